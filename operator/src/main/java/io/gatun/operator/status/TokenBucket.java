package io.gatun.operator.status;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket: {@code burst} permits at once, refilled at {@code perSecond}. {@link #acquire}
 * blocks until a permit is free, so the threads that call it go no faster than the rate.
 */
final class TokenBucket {

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAt;

  TokenBucket(double perSecond, int burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a positive rate and burst");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** Takes a permit, waiting for one if none is left. */
  void acquire() throws InterruptedException {
    Duration wait;
    while (!(wait = tryAcquire()).isZero()) {
      Thread.sleep(wait);
    }
  }

  /** Takes a permit and returns zero, or returns how long until one is free. */
  synchronized Duration tryAcquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
  }
}
