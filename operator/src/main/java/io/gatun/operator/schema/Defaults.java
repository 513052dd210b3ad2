package io.gatun.operator.schema;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;
import java.util.Map;

/**
 * Applies a structural schema's defaults to an object, as the API server does before validation: a
 * missing property with a default gets it, then defaulting goes on inside.
 */
final class Defaults {

  private Defaults() {}

  @SuppressWarnings("unchecked")
  static void apply(JSONSchemaProps schema, Object value) {
    if (value instanceof Map<?, ?> raw && schema.getProperties() != null) {
      var map = (Map<String, Object>) raw;
      schema
          .getProperties()
          .forEach(
              (key, child) -> {
                if (!map.containsKey(key) && child.getDefault() != null) {
                  map.put(key, JsonValues.copy(JsonValues.of(child.getDefault())));
                }
                apply(child, map.get(key));
              });
    } else if (value instanceof List<?> list
        && schema.getItems() != null
        && schema.getItems().getSchema() != null) {
      list.forEach(element -> apply(schema.getItems().getSchema(), element));
    }
  }
}
