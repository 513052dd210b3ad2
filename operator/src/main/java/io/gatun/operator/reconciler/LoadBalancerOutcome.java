package io.gatun.operator.reconciler;

import io.gatun.operator.control.Programming;

/**
 * Everything one LoadBalancer reconcile found out, the input of its status.
 *
 * @param probeProblem why the named HealthProbe is not used (missing, invalid); null when fine
 * @param programming null when nothing was published (not valid or not allocated)
 */
record LoadBalancerOutcome(
    Validation validation,
    AddressOutcome address,
    BackendSet backends,
    String probeProblem,
    Programming programming) {}
