package io.gatun.operator.loadbalancer;

import io.gatun.operator.ipam.Owner;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Wakes a LoadBalancer whose status waits ({@link LoadBalancerReconciler#SETTLE}) for the
 * forwarders' answer to its configuration once the wait is over — unless every forwarder has
 * answered meanwhile: each answer woke it already ({@code FleetListener.progressed}), and that
 * reconcile wrote the status. JOSDK's own reschedule cannot tell: while thousands of LoadBalancers
 * are created a reconcile waits its turn long enough that the timer set by the first fires during
 * the second, and JOSDK runs a third that changes nothing (1,093 of 3,000 LoadBalancers in
 * bench/controlplane.sh 3000, from JOSDK's debug log).
 */
final class SettleWakes {

  private final ScheduledExecutorService timer;
  private final LongPredicate answerAwaited;
  private volatile Consumer<Owner> wake = owner -> {};

  /**
   * @param answerAwaited whether a connected forwarder has yet to answer a snapshot version ({@code
   *     ForwarderFleet.answerAwaited})
   */
  SettleWakes(ScheduledExecutorService timer, LongPredicate answerAwaited) {
    this.timer = timer;
    this.answerAwaited = answerAwaited;
  }

  /** How a LoadBalancer is woken (its reconciler's event source, once it has one). */
  void wakeWith(Consumer<Owner> wake) {
    this.wake = wake;
  }

  /**
   * Wakes {@code owner} after {@code delay}, which it waits for the forwarders' answer to {@code
   * snapshotVersion}, unless every connected forwarder has answered it by then.
   */
  void afterAnswer(Owner owner, Duration delay, long snapshotVersion) {
    timer.schedule(
        () -> {
          if (!answerAwaited.test(snapshotVersion)) {
            return;
          }
          wake.accept(owner);
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
