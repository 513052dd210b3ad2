package io.gatun.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CRD's CEL rules, compiled once, and how to check an object against them as an API server would:
 * defaults applied first, then every rule at every node the object has, all failures reported (not
 * just the first). The defaults alone give an object as the API server stores it.
 *
 * <p>Only standard CEL is available (no Kubernetes library functions), so the model's rules stick
 * to it; a rule that does not compile fails here, at start-up and in the build.
 */
public final class CrdRules {

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final JSONSchemaProps schema;
  private final List<CelRule> rules;

  private CrdRules(JSONSchemaProps schema) {
    this.schema = schema;
    this.rules = new ArrayList<>();
    collect(schema, "", rules);
  }

  /** The rules of {@code kind}'s CRD, as the build generated it. */
  public static CrdRules forKind(Class<? extends HasMetadata> kind) {
    return forCrd(HasMetadata.getFullResourceName(kind));
  }

  /** The rules of the CRD the build generated for {@code name}, e.g. "pools.lb.gatun.io". */
  private static CrdRules forCrd(String name) {
    String resource = "/META-INF/fabric8/" + name + "-v1.yml";
    try (InputStream in = CrdRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no generated CRD " + resource + " on the class path");
      }
      return of(SERIALIZATION.unmarshal(in, CustomResourceDefinition.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CrdRules of(CustomResourceDefinition crd) {
    return new CrdRules(crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema());
  }

  /** Every rule with its path and message, in schema order. */
  public List<String> describe() {
    return rules.stream().map(r -> r.path() + ": " + r.rule() + " -> " + r.message()).toList();
  }

  public int size() {
    return rules.size();
  }

  /** "path: message" for every rule {@code object} breaks. */
  public List<String> check(HasMetadata object) {
    return check(SERIALIZATION.convertValue(object, JsonNode.class));
  }

  /** {@code object} with the schema's defaults filled in, as the API server stores it. */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> T withDefaults(T object) {
    Object value = JsonValues.of(SERIALIZATION.convertValue(object, JsonNode.class));
    Defaults.apply(schema, value);
    return (T) SERIALIZATION.convertValue(value, object.getClass());
  }

  /**
   * Checks a whole object (as JSON: apiVersion, kind, metadata, spec, ...).
   *
   * @return "path: message" for every rule that does not hold, in schema order
   */
  public List<String> check(JsonNode object) {
    Object value = JsonValues.of(object);
    Defaults.apply(schema, value);
    var problems = new ArrayList<String>();
    check(schema, value, "", "", problems);
    return problems;
  }

  /**
   * @param schemaPath the path with {@code [*]} for list items, as rules are indexed
   * @param path the same with real indices, as messages say it
   */
  @SuppressWarnings("unchecked")
  private void check(
      JSONSchemaProps node, Object value, String schemaPath, String path, List<String> problems) {
    if (value == null) {
      return;
    }
    for (CelRule rule : rulesAt(schemaPath)) {
      try {
        if (!Boolean.TRUE.equals(rule.program().eval(Map.of("self", value)))) {
          problems.add(path + ": " + rule.message());
        }
      } catch (CelEvaluationException e) {
        problems.add(path + ": rule " + rule.rule() + " could not be evaluated: " + e.getMessage());
      }
    }
    if (value instanceof Map<?, ?> map && node.getProperties() != null) {
      node.getProperties()
          .forEach(
              (key, child) ->
                  check(
                      child,
                      ((Map<String, Object>) map).get(key),
                      join(schemaPath, key),
                      join(path, key),
                      problems));
    } else if (value instanceof List<?> list
        && node.getItems() != null
        && node.getItems().getSchema() != null) {
      for (int i = 0; i < list.size(); i++) {
        check(
            node.getItems().getSchema(),
            list.get(i),
            schemaPath + "[*]",
            path + "[" + i + "]",
            problems);
      }
    }
  }

  private List<CelRule> rulesAt(String path) {
    return rules.stream().filter(rule -> rule.path().equals(path)).toList();
  }

  private static void collect(JSONSchemaProps node, String path, List<CelRule> into) {
    if (node.getXKubernetesValidations() != null) {
      for (ValidationRule rule : node.getXKubernetesValidations()) {
        into.add(new CelRule(path, rule.getRule(), rule.getMessage(), compile(path, rule)));
      }
    }
    if (node.getProperties() != null) {
      node.getProperties().forEach((key, child) -> collect(child, join(path, key), into));
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      collect(node.getItems().getSchema(), path + "[*]", into);
    }
  }

  private static dev.cel.runtime.CelRuntime.Program compile(String path, ValidationRule rule) {
    try {
      return CEL.createProgram(CEL.compile(rule.getRule()).getAst());
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(
          "the CEL rule at "
              + path
              + " does not compile: "
              + rule.getRule()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
