package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Label selectors as Kubernetes defines them (metav1.LabelSelector), checked and matched. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /** An object's labels; empty, never null, when it has none. */
  public static Map<String, String> labelsOf(HasMetadata object) {
    var labels = object.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  /** Whether {@code labels} satisfy {@code selector}; an empty selector matches everything. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> have = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var wanted : selector.getMatchLabels().entrySet()) {
        if (!wanted.getValue().equals(have.get(wanted.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        if (!satisfies(requirement, have)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean satisfies(LabelSelectorRequirement requirement, Map<String, String> have) {
    String value = have.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> have.containsKey(requirement.getKey());
      case "DoesNotExist" -> !have.containsKey(requirement.getKey());
      default -> false; // problems() reports it; an unknown operator selects nothing
    };
  }

  /** What is wrong with {@code selector} (the schema does not check operators), as "field: why". */
  public static List<String> problems(LabelSelector selector, String field) {
    var problems = new ArrayList<String>();
    if (selector == null || selector.getMatchExpressions() == null) {
      return problems;
    }
    for (int i = 0; i < selector.getMatchExpressions().size(); i++) {
      var requirement = selector.getMatchExpressions().get(i);
      String at = field + ".matchExpressions[" + i + "]";
      int values = requirement.getValues() == null ? 0 : requirement.getValues().size();
      String operator = requirement.getOperator();
      if (requirement.getKey() == null || requirement.getKey().isBlank()) {
        problems.add(at + ": key is required");
      }
      if (operator == null) {
        problems.add(at + ": operator is required (In, NotIn, Exists or DoesNotExist)");
      } else {
        switch (operator) {
          case "In", "NotIn" -> {
            if (values == 0) {
              problems.add(at + ": operator " + operator + " needs at least one value");
            }
          }
          case "Exists", "DoesNotExist" -> {
            if (values > 0) {
              problems.add(at + ": operator " + operator + " takes no values");
            }
          }
          default ->
              problems.add(
                  at
                      + ": unknown operator \""
                      + operator
                      + "\" (use In, NotIn, Exists or DoesNotExist)");
        }
      }
    }
    return problems;
  }

  /** A selector as text, for messages: "app=web,tier in (a,b)". */
  public static String describe(LabelSelector selector) {
    var parts = new ArrayList<String>();
    if (selector.getMatchLabels() != null) {
      selector.getMatchLabels().forEach((k, v) -> parts.add(k + "=" + v));
    }
    if (selector.getMatchExpressions() != null) {
      for (var r : selector.getMatchExpressions()) {
        String values = r.getValues() == null ? "" : " (" + String.join(",", r.getValues()) + ")";
        parts.add(r.getKey() + " " + r.getOperator() + values);
      }
    }
    return parts.isEmpty() ? "everything" : String.join(",", parts);
  }
}
