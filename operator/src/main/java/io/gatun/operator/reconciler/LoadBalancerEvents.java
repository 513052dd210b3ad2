package io.gatun.operator.reconciler;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.EventRecorder.Type;
import java.util.List;

/**
 * Turns a LoadBalancer's condition transitions into events, so {@code kubectl describe} tells the
 * story once per change instead of once per reconcile.
 *
 * <p>Waiting states (Pending) and consequences of another condition (NotAccepted, NotAllocated)
 * stay quiet: the condition that caused them has its own event. Ready is derived and silent.
 */
final class LoadBalancerEvents {

  private final EventRecorder recorder;

  LoadBalancerEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  void record(LoadBalancer lb, List<Condition> transitions) {
    for (Condition condition : transitions) {
      switch (condition.type()) {
        case LoadBalancer.ACCEPTED -> {
          if (!condition.isTrue()) {
            recorder.record(lb, Type.Warning, "ValidationFailed", condition.message());
          }
        }
        case LoadBalancer.ALLOCATED -> {
          if (condition.isTrue()) {
            recorder.record(lb, Type.Normal, "Allocated", condition.message());
          } else if (!AddressOutcome.NOT_ACCEPTED.equals(condition.reason())) {
            recorder.record(lb, Type.Warning, condition.reason(), condition.message());
          }
        }
        case LoadBalancer.PROGRAMMED -> {
          if (condition.isTrue()) {
            recorder.record(lb, Type.Normal, "Programmed", condition.message());
          } else if (List.of("ApplyFailed", "NoForwarders").contains(condition.reason())) {
            recorder.record(lb, Type.Warning, condition.reason(), condition.message());
          }
        }
        default -> {}
      }
    }
  }
}
