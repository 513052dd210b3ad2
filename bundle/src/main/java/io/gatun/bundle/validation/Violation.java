package io.gatun.bundle.validation;

/** One broken rule: the rule's name first, then where and what. */
public record Violation(Rule rule, String where, String message) {
  @Override
  public String toString() {
    return rule.id() + " (" + rule.summary() + "): " + where + ": " + message;
  }
}
