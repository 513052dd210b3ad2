package io.gatun.forwarder.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or time runs out: every 5 ms at first, backing off to every 100
 * ms (a condition that takes long costs a busy machine little).
 */
public final class Await {
  private Await() {}

  public static void until(
      BooleanSupplier condition, Duration within, Supplier<String> whatFailed) {
    long deadline = System.nanoTime() + within.toNanos();
    long pause = 5;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + whatFailed.get());
      }
      try {
        Thread.sleep(pause);
        pause = Math.min(100, pause * 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }
}
