package io.gatun.operator.status;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** Spaces out work on one resource: at most once per interval. */
public final class StatusThrottle {

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Long> lastRun = new ConcurrentHashMap<>();

  public StatusThrottle(Duration interval) {
    this(interval, System::nanoTime);
  }

  StatusThrottle(Duration interval, LongSupplier nanoClock) {
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Zero when {@code name} may run now, else how long to wait. */
  public Duration delayFor(String name) {
    Long last = lastRun.get(name);
    if (last == null) {
      return Duration.ZERO;
    }
    long remaining = last + intervalNanos - nanoClock.getAsLong();
    return remaining <= 0 ? Duration.ZERO : Duration.ofNanos(remaining);
  }

  public void ran(String name) {
    lastRun.put(name, nanoClock.getAsLong());
  }
}
