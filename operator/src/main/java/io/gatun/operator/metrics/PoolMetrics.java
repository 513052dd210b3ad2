package io.gatun.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code gatun_pool_addresses{pool, family, state}}: capacity, allocated and available addresses of
 * every pool, per family, as the Pool reconciler last computed them (saturating at 2^63-1 like the
 * status).
 */
public final class PoolMetrics {

  /** One family of one pool. */
  public record Usage(String family, long capacity, long allocated, long available) {}

  private final MultiGauge gauge;
  private final Map<String, List<Usage>> byPool = new ConcurrentHashMap<>();

  public PoolMetrics(MeterRegistry registry) {
    this.gauge =
        MultiGauge.builder("gatun_pool_addresses")
            .description("Addresses of a pool: capacity, allocated, available")
            .register(registry);
  }

  public synchronized void record(String pool, List<Usage> usage) {
    if (usage.isEmpty()) {
      byPool.remove(pool);
    } else {
      byPool.put(pool, List.copyOf(usage));
    }
    var rows = new ArrayList<MultiGauge.Row<?>>();
    byPool.forEach(
        (name, families) -> {
          for (Usage u : families) {
            rows.add(row(name, u.family(), "capacity", u.capacity()));
            rows.add(row(name, u.family(), "allocated", u.allocated()));
            rows.add(row(name, u.family(), "available", u.available()));
          }
        });
    gauge.register(rows, true);
  }

  public void forget(String pool) {
    record(pool, List.of());
  }

  private static MultiGauge.Row<?> row(String pool, String family, String state, long value) {
    return MultiGauge.Row.of(Tags.of("pool", pool, "family", family, "state", state), value);
  }
}
