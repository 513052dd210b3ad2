package io.gatun.bundle.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * alm-examples against the owned CRDs, and the scorecard's basic and OLM tests that read them:
 * every example has a spec whose keys the schema knows and a descriptor names.
 */
final class ExampleRules {

  private ExampleRules() {}

  static void check(BundleView bundle) {
    if (bundle.csv.isMissingNode()) {
      return;
    }
    String where = bundle.csvFile;
    ownedCrds(bundle, where);
    List<JsonNode> examples = examples(bundle, where);
    var exampleKinds = new HashSet<String>();
    for (JsonNode example : examples) {
      String gvk = example.path("apiVersion").asText() + " " + example.path("kind").asText();
      String name = "example " + gvk + " " + example.path("metadata").path("name").asText();
      exampleKinds.add(gvk);
      JsonNode owned = ownedFor(bundle, example);
      if (owned.isMissingNode()) {
        bundle.add(Rule.EXAMPLES_OWNED, where, name + " is not of an owned CRD");
        continue;
      }
      if (!example.path("spec").isObject()) {
        bundle.add(Rule.SCORECARD_CHECK_SPEC, where, name + " has no spec");
      }
      JsonNode schema = schema(bundle, owned);
      for (String part : List.of("spec", "status")) {
        keysInSchema(
            bundle, where, name, part, example.path(part), schema.path("properties").path(part));
      }
      descriptors(bundle, where, name, example, owned);
    }
    for (JsonNode owned : bundle.owned()) {
      String gvk =
          groupOf(owned) + "/" + owned.path("version").asText() + " " + owned.path("kind").asText();
      if (!exampleKinds.contains(gvk)) {
        bundle.add(Rule.EXAMPLES_EVERY_OWNED, where, gvk + " has no example in alm-examples");
      }
      if (!owned.path("resources").isArray() || owned.path("resources").isEmpty()) {
        bundle.add(
            Rule.SCORECARD_CRD_RESOURCES,
            where,
            owned.path("name").asText() + " lists no resources");
      }
      if (!schema(bundle, owned).path("properties").path("spec").isObject()) {
        bundle.add(
            Rule.SCORECARD_CRD_VALIDATION,
            where,
            owned.path("name").asText()
                + " "
                + owned.path("version").asText()
                + " has no spec schema");
      }
    }
  }

  private static List<JsonNode> examples(BundleView bundle, String where) {
    String text = bundle.csvAnnotation("alm-examples");
    var examples = new ArrayList<JsonNode>();
    try {
      JsonNode parsed = BundleView.JSON.readTree(text.isEmpty() ? "[]" : text);
      if (!parsed.isArray()) {
        bundle.add(Rule.EXAMPLES_PARSE, where, "alm-examples is not a JSON list");
        return examples;
      }
      for (JsonNode example : parsed) {
        if (!example.isObject() || example.path("kind").asText("").isEmpty()) {
          bundle.add(Rule.EXAMPLES_PARSE, where, "alm-examples entry without a kind: " + example);
        } else {
          examples.add(example);
        }
      }
    } catch (IOException e) {
      bundle.add(
          Rule.EXAMPLES_PARSE,
          where,
          "alm-examples is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    return examples;
  }

  /** Every CRD in the bundle owned and every owned entry a CRD version of the bundle, once. */
  private static void ownedCrds(BundleView bundle, String where) {
    Set<String> inBundle = new HashSet<>();
    for (JsonNode crd : bundle.crds) {
      String name = crd.path("metadata").path("name").asText();
      if (crd.path("spec").path("conversion").path("strategy").asText("None").equals("Webhook")) {
        bundle.add(Rule.BUNDLE_NO_CONVERSION_WEBHOOK, where, name + " converts by webhook");
      }
      for (JsonNode version : crd.path("spec").path("versions")) {
        String key =
            name
                + " "
                + version.path("name").asText()
                + " "
                + crd.path("spec").path("names").path("kind").asText();
        if (!inBundle.add(key)) {
          bundle.add(Rule.BUNDLE_CRDS_OWNED, where, "duplicate CRD " + key);
        }
      }
    }
    Set<String> owned = new HashSet<>();
    for (JsonNode entry : bundle.owned()) {
      String key =
          entry.path("name").asText()
              + " "
              + entry.path("version").asText()
              + " "
              + entry.path("kind").asText();
      owned.add(key);
      if (!inBundle.contains(key)) {
        bundle.add(Rule.BUNDLE_CRDS_OWNED, where, "owned CRD " + key + " is not in manifests/");
      }
    }
    for (String key : inBundle) {
      if (!owned.contains(key)) {
        bundle.add(
            Rule.BUNDLE_CRDS_OWNED,
            where,
            "CRD " + key + " is in manifests/ but not owned by the CSV");
      }
    }
  }

  private static void descriptors(
      BundleView bundle, String where, String name, JsonNode example, JsonNode owned) {
    Set<String> specPaths = paths(owned.path("specDescriptors"));
    example
        .path("spec")
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!specPaths.contains(key)) {
                bundle.add(
                    Rule.SCORECARD_SPEC_DESCRIPTORS,
                    where,
                    name + ": spec." + key + " has no specDescriptor");
              }
            });
    Set<String> statusPaths = paths(owned.path("statusDescriptors"));
    example
        .path("status")
        .fieldNames()
        .forEachRemaining(
            key -> {
              if (!statusPaths.contains(key)) {
                bundle.add(
                    Rule.SCORECARD_STATUS_DESCRIPTORS,
                    where,
                    name + ": status." + key + " has no statusDescriptor");
              }
            });
  }

  private static Set<String> paths(JsonNode descriptors) {
    var paths = new HashSet<String>();
    descriptors.forEach(d -> paths.add(d.path("path").asText()));
    return paths;
  }

  /** Walks an example's value beside its schema; a key the schema does not know is pruned. */
  private static void keysInSchema(
      BundleView bundle, String where, String name, String path, JsonNode value, JsonNode schema) {
    if (value.isMissingNode() || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return;
    }
    if (schema.isMissingNode()) {
      bundle.add(
          Rule.SCORECARD_KEYS_IN_SCHEMA, where, name + ": " + path + " is not in the CRD's schema");
      return;
    }
    if (value.isObject()) {
      JsonNode additional = schema.path("additionalProperties");
      value
          .fields()
          .forEachRemaining(
              field -> {
                JsonNode property = schema.path("properties").path(field.getKey());
                if (property.isMissingNode() && additional.isObject()) {
                  property = additional;
                } else if (property.isMissingNode() && additional.asBoolean(false)) {
                  return;
                }
                keysInSchema(
                    bundle, where, name, path + "." + field.getKey(), field.getValue(), property);
              });
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        keysInSchema(bundle, where, name, path + "[" + i + "]", value.get(i), schema.path("items"));
      }
    }
  }

  private static JsonNode ownedFor(BundleView bundle, JsonNode example) {
    for (JsonNode owned : bundle.owned()) {
      String apiVersion = groupOf(owned) + "/" + owned.path("version").asText();
      if (apiVersion.equals(example.path("apiVersion").asText())
          && owned.path("kind").asText().equals(example.path("kind").asText())) {
        return owned;
      }
    }
    return MissingNode.getInstance();
  }

  private static JsonNode schema(BundleView bundle, JsonNode owned) {
    for (JsonNode version : bundle.crd(owned.path("name").asText()).path("spec").path("versions")) {
      if (version.path("name").asText().equals(owned.path("version").asText())) {
        return version.path("schema").path("openAPIV3Schema");
      }
    }
    return MissingNode.getInstance();
  }

  private static String groupOf(JsonNode owned) {
    String name = owned.path("name").asText();
    return name.contains(".") ? name.substring(name.indexOf('.') + 1) : "";
  }
}
