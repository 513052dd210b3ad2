package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.SpecDescriptor;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.SpecDescriptorBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StatusDescriptor;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StatusDescriptorBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Spec and status descriptors, one per top-level field of the CRD's schema, with the field's own
 * description: a field added to the model gets its descriptor with the next build, so the
 * scorecard's "every spec key has a descriptor" holds for every example.
 */
final class Descriptors {

  private static final String UI = "urn:alm:descriptor:com.tectonic.ui:";

  private Descriptors() {}

  static List<SpecDescriptor> spec(CustomResourceDefinitionVersion version) {
    var descriptors = new ArrayList<SpecDescriptor>();
    properties(version, "spec")
        .forEach(
            (name, schema) ->
                descriptors.add(
                    new SpecDescriptorBuilder()
                        .withPath(name)
                        .withDisplayName(displayName(name))
                        .withDescription(schema.getDescription())
                        .withXDescriptors(specWidget(schema))
                        .build()));
    return descriptors;
  }

  static List<StatusDescriptor> status(CustomResourceDefinitionVersion version) {
    var descriptors = new ArrayList<StatusDescriptor>();
    properties(version, "status")
        .forEach(
            (name, schema) ->
                descriptors.add(
                    new StatusDescriptorBuilder()
                        .withPath(name)
                        .withDisplayName(displayName(name))
                        .withDescription(schema.getDescription())
                        .withXDescriptors(
                            name.equals("conditions")
                                ? List.of("urn:alm:descriptor:io.kubernetes.conditions")
                                : null)
                        .build()));
    return descriptors;
  }

  private static Map<String, JSONSchemaProps> properties(
      CustomResourceDefinitionVersion version, String field) {
    JSONSchemaProps part = version.getSchema().getOpenAPIV3Schema().getProperties().get(field);
    return part == null || part.getProperties() == null ? Map.of() : part.getProperties();
  }

  /** The form widget a console uses for a field; objects and lists get none (null: plain YAML). */
  private static List<String> specWidget(JSONSchemaProps schema) {
    String type = String.valueOf(schema.getType());
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      return schema.getEnum().stream().map(value -> UI + "select:" + value.asText()).toList();
    }
    return switch (type) {
      case "boolean" -> List.of(UI + "booleanSwitch");
      case "integer", "number" -> List.of(UI + "number");
      case "string" -> List.of(UI + "text");
      default -> null;
    };
  }

  /** healthProbeRef → "Health Probe Ref". */
  static String displayName(String field) {
    var words = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (i == 0) {
        words.append(Character.toUpperCase(c));
      } else if (Character.isUpperCase(c) && !Character.isUpperCase(field.charAt(i - 1))) {
        words.append(' ').append(c);
      } else {
        words.append(c);
      }
    }
    return words.toString();
  }
}
