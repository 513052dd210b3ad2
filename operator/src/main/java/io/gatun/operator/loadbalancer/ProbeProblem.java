package io.gatun.operator.loadbalancer;

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
