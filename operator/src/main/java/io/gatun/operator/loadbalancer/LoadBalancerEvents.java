package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.EventRecorder.Type;
import java.util.List;
import java.util.Set;

/**
 * Turns a LoadBalancer's condition transitions into events, so {@code kubectl describe} tells the
 * story once per change instead of once per reconcile.
 *
 * <p>Waiting states (Pending, AwaitingBackends) and consequences of another condition (NotValid,
 * NotAllocated) stay quiet: the condition that caused them has its own event. Ready is derived and
 * silent. Backends that are healthy again after a Warning say so, so the story the events tell ends
 * where it ends.
 */
final class LoadBalancerEvents {

  private static final Set<String> PROGRAMMING_PROBLEMS =
      Set.of("ApplyFailed", LoadBalancerStatusBuilder.REFUSED, "NoForwarders", "Unsupported");

  private final EventRecorder recorder;

  LoadBalancerEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /**
   * @param lb as observed: its status is the one before these transitions
   */
  void record(LoadBalancer lb, List<Condition> transitions) {
    for (Condition condition : transitions) {
      switch (condition.type()) {
        case LoadBalancer.VALID -> {
          if (!condition.isTrue()) {
            recorder.record(lb, Type.Warning, Validation.FAILED_EVENT, condition.message());
          }
        }
        case LoadBalancer.ALLOCATED -> {
          if (AddressOutcome.ALLOCATED.equals(condition.reason())) {
            recorder.record(lb, Type.Normal, AddressOutcome.ALLOCATED, condition.message());
          } else if (!AddressOutcome.NOT_VALID.equals(condition.reason())) {
            recorder.record(lb, Type.Warning, condition.reason(), condition.message());
          }
        }
        case LoadBalancer.PROGRAMMED -> {
          if (condition.isTrue()) {
            recorder.record(lb, Type.Normal, "Programmed", condition.message());
          } else if (PROGRAMMING_PROBLEMS.contains(condition.reason())) {
            recorder.record(lb, Type.Warning, condition.reason(), condition.message());
          }
        }
        case LoadBalancer.BACKENDS_HEALTHY -> {
          if (!condition.isTrue() && !AwaitingBackends.REASON.equals(condition.reason())) {
            recorder.record(lb, Type.Warning, condition.reason(), condition.message());
          } else if (condition.isTrue() && warnedBefore(lb)) {
            recorder.record(lb, Type.Normal, condition.reason(), condition.message());
          }
        }
        default -> {}
      }
    }
  }

  /** Its BackendsHealthy was a problem (a Warning was recorded for it), not a wait. */
  private static boolean warnedBefore(LoadBalancer lb) {
    return AwaitingBackends.backendsHealthyBefore(lb)
        .filter(c -> !c.isTrue() && !AwaitingBackends.REASON.equals(c.reason()))
        .isPresent();
  }
}
