package io.gatun.operator.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.ipam.Owner;
import io.gatun.operator.testing.Patience;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A settling LoadBalancer is woken when its wait ends, unless the answer it waited for came. */
class SettleWakesTest {

  private static final Duration DELAY = Duration.ofMillis(50);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  /** The latest snapshot version every forwarder has answered, as the fleet would know it. */
  private final AtomicLong answeredUpTo = new AtomicLong();

  private final SettleWakes wakes = new SettleWakes(timer, version -> answeredUpTo.get() < version);
  private final java.util.Set<Owner> woken = ConcurrentHashMap.newKeySet();

  SettleWakesTest() {
    wakes.wakeWith(woken::add);
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void aLoadBalancerWaitingForAnAnswerThatCameIsNotWokenAgain() throws Exception {
    var answered = new Owner("shop", "answered");
    var unanswered = new Owner("shop", "unanswered");
    // The timer's one thread held until the answer is in, however slow this machine is: the
    // answer comes during the wait, not before it began.
    var hold = new java.util.concurrent.CountDownLatch(1);
    timer.execute(
        () -> {
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    wakes.afterAnswer(answered, DELAY, 7);
    wakes.afterAnswer(unanswered, DELAY, 9);

    answeredUpTo.set(8); // every forwarder answered version 8: the first's, not the second's
    hold.countDown();
    afterTheWaits();

    assertThat(woken).containsExactly(unanswered);
  }

  @Test
  void aLoadBalancerIsWokenWhenNoForwarderAnswered() throws Exception {
    var waiting = new Owner("shop", "waiting");

    wakes.afterAnswer(waiting, DELAY, 7);
    afterTheWaits();

    assertThat(woken).containsExactly(waiting);
  }

  /** Runs after the timer's tasks due by then: it has one thread and runs them in order. */
  private void afterTheWaits() throws Exception {
    timer
        .schedule(() -> null, DELAY.toMillis() * 2, TimeUnit.MILLISECONDS)
        .get(Patience.PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }
}
