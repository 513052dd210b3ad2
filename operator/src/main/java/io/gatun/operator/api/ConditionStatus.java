package io.gatun.operator.api;

/** The three values Kubernetes allows for a condition status; spelled as the API spells them. */
public enum ConditionStatus {
  True,
  False,
  Unknown;

  public static ConditionStatus of(boolean value) {
    return value ? True : False;
  }
}
