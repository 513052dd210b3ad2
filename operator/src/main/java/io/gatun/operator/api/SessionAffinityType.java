package io.gatun.operator.api;

/** Session affinity types, as a Service's spec.sessionAffinity. */
public enum SessionAffinityType {
  None,
  ClientIP
}
