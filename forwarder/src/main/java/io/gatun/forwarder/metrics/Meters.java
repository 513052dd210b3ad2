package io.gatun.forwarder.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Meters registered the same way wherever the agent counts something. */
public final class Meters {
  private Meters() {}

  /** One counter of a family whose members one tag tells apart (e.g. result="applied"). */
  public static Counter counter(
      MeterRegistry registry, String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag(tag, value).register(registry);
  }
}
