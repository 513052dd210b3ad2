package io.gatun.operator.reconciler;

import java.util.List;

/**
 * Every problem found in a spec, not just the first.
 *
 * @param invalid mistakes the user must fix
 * @param unsupported well-formed requests this operator version cannot serve yet
 */
record Validation(List<String> invalid, List<String> unsupported) {

  Validation {
    invalid = List.copyOf(invalid);
    unsupported = List.copyOf(unsupported);
  }

  boolean accepted() {
    return invalid.isEmpty() && unsupported.isEmpty();
  }
}
