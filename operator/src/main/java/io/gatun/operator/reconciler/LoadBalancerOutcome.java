package io.gatun.operator.reconciler;

import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.control.Programming;

/**
 * Everything one LoadBalancer reconcile found out, the input of its status.
 *
 * @param programming null when nothing was published (not accepted or not allocated)
 */
record LoadBalancerOutcome(
    Validation validation,
    AddressOutcome address,
    BackendCounts backends,
    String whyNoHealthyBackends,
    Programming programming) {}
