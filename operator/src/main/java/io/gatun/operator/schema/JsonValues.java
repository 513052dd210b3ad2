package io.gatun.operator.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON trees as the plain values CEL evaluates: maps, lists, Long, Double, String, Boolean. */
final class JsonValues {

  private JsonValues() {}

  /** Null for JSON null (CEL, like Kubernetes, sees the field as absent). */
  static Object of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      var map = new LinkedHashMap<String, Object>();
      node.properties()
          .forEach(
              entry -> {
                Object value = of(entry.getValue());
                if (value != null) {
                  map.put(entry.getKey(), value);
                }
              });
      return map;
    }
    if (node.isArray()) {
      var list = new ArrayList<Object>();
      node.forEach(element -> list.add(of(element)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue(); // CEL ints are 64-bit; Integer would not be accepted
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  /** A deep, mutable copy (defaults must not be shared between objects). */
  @SuppressWarnings("unchecked")
  static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      var copy = new LinkedHashMap<String, Object>();
      ((Map<String, Object>) map).forEach((k, v) -> copy.put(k, copy(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      var copy = new ArrayList<Object>();
      list.forEach(v -> copy.add(copy(v)));
      return copy;
    }
    return value;
  }
}
