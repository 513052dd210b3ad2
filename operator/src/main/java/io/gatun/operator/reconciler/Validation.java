package io.gatun.operator.reconciler;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in a spec, not just the first.
 *
 * @param invalid mistakes the user must fix
 * @param unsupported well-formed requests this operator version cannot serve
 */
record Validation(List<String> invalid, List<String> unsupported) {

  static final Validation OK = new Validation(List.of(), List.of());

  /** Mistakes only: what a kind whose every field this version serves can find. */
  static Validation of(List<String> invalid) {
    return new Validation(invalid, List.of());
  }

  Validation {
    invalid = List.copyOf(invalid);
    unsupported = List.copyOf(unsupported);
  }

  boolean valid() {
    return invalid.isEmpty() && unsupported.isEmpty();
  }

  /** The condition reason: Invalid when anything is wrong, Unsupported when only that. */
  String reason() {
    return !invalid.isEmpty() ? "Invalid" : "Unsupported";
  }

  /** Every problem, mistakes first, as one message. */
  String message() {
    var all = new ArrayList<>(invalid);
    all.addAll(unsupported);
    return String.join("; ", all);
  }
}
