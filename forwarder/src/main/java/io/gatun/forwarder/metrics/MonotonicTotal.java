package io.gatun.forwarder.metrics;

/**
 * A counter that never goes down although its source may restart from zero: the data plane carries
 * a backend's counters across a commit that keeps it, not across one that drops it (e.g. while it
 * is unhealthy) and a later one that brings it back.
 */
final class MonotonicTotal {
  private long base;
  private long last;

  synchronized void observe(long raw) {
    if (raw < last) { // restarted without our noticing it was gone
      base += last;
    }
    last = raw;
  }

  /** The source is gone for now; whatever comes next counts from zero. */
  synchronized void absent() {
    base += last;
    last = 0;
  }

  synchronized double value() {
    return base + last;
  }
}
