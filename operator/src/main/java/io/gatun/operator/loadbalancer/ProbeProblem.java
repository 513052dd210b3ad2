package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.healthprobe.HealthProbeValidator;
import io.gatun.operator.schema.Validation;

/**
 * Why the HealthProbe a LoadBalancer names is not used, so its backends go unprobed.
 *
 * @param reason the BackendsHealthy reason: {@link #NOT_FOUND} or {@link #INVALID}
 * @param what what is wrong, e.g. "HealthProbe web-check does not exist"
 * @param fix what to do about it
 */
record ProbeProblem(String reason, String what, String fix) {

  static final String NOT_FOUND = "HealthProbeNotFound";
  static final String INVALID = "HealthProbeInvalid";

  /**
   * Why the HealthProbe {@code name} cannot be used; null when it can, or when none is named.
   *
   * @param probe the HealthProbe of that name; null when there is none
   */
  static ProbeProblem of(String name, HealthProbe probe, HealthProbeValidator validator) {
    if (name == null) {
      return null;
    }
    if (probe == null) {
      return notFound(name);
    }
    Validation validation = validator.validate(probe);
    return validation.valid() ? null : invalid(name, validation.message());
  }

  static ProbeProblem notFound(String name) {
    return new ProbeProblem(
        NOT_FOUND,
        "HealthProbe " + name + " does not exist",
        "create it, or fix or remove spec.healthProbeRef");
  }

  static ProbeProblem invalid(String name, String why) {
    return new ProbeProblem(
        INVALID,
        "HealthProbe " + name + " is not valid (" + why + ")",
        "fix the HealthProbe, or name another in spec.healthProbeRef");
  }

  @Override
  public String toString() {
    return what + ", so the backends are not probed: " + fix;
  }
}
