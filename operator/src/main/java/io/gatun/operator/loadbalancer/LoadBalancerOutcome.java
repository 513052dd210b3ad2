package io.gatun.operator.loadbalancer;

import io.gatun.operator.backends.BackendHealthReport;
import io.gatun.operator.backends.BackendSet;
import io.gatun.operator.control.Programming;
import io.gatun.operator.schema.Validation;

/**
 * Everything one LoadBalancer reconcile found out, the input of its status.
 *
 * @param probeProblem why the named HealthProbe is not used (missing, invalid); null when fine
 * @param health the forwarders' probe verdicts on the backends
 * @param programming null when nothing was published (not valid or not allocated)
 * @param announcing who answers for the VIP(s), and conflicts on them
 * @param drain the removed backends still draining
 */
record LoadBalancerOutcome(
    Validation validation,
    AddressOutcome address,
    BackendSet backends,
    ProbeProblem probeProblem,
    BackendHealthReport health,
    Programming programming,
    Announcing announcing,
    DrainingBackends.Drain drain) {

  /** Without probe verdicts or announcements (nothing programmed yet, or in tests). */
  LoadBalancerOutcome(
      Validation validation,
      AddressOutcome address,
      BackendSet backends,
      ProbeProblem probeProblem,
      Programming programming) {
    this(
        validation,
        address,
        backends,
        probeProblem,
        BackendHealthReport.NONE,
        programming,
        Announcing.NONE,
        DrainingBackends.Drain.NONE);
  }
}
