package io.gatun.operator.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in a spec, not just the first.
 *
 * @param invalid mistakes the user must fix
 * @param unsupported well-formed requests this operator version cannot serve
 */
public record Validation(List<String> invalid, List<String> unsupported) {

  public static final Validation OK = new Validation(List.of(), List.of());

  /** The reason of the Warning event that reports a spec as not valid, whatever its kind. */
  public static final String FAILED_EVENT = "ValidationFailed";

  /** Mistakes only: what a kind whose every field this version serves can find. */
  public static Validation of(List<String> invalid) {
    return new Validation(invalid, List.of());
  }

  public Validation {
    invalid = List.copyOf(invalid);
    unsupported = List.copyOf(unsupported);
  }

  public boolean valid() {
    return invalid.isEmpty() && unsupported.isEmpty();
  }

  /** The condition reason: Invalid when anything is wrong, Unsupported when only that. */
  public String reason() {
    return !invalid.isEmpty() ? "Invalid" : "Unsupported";
  }

  /** Every problem, mistakes first, as one message. */
  public String message() {
    var all = new ArrayList<>(invalid);
    all.addAll(unsupported);
    return String.join("; ", all);
  }
}
