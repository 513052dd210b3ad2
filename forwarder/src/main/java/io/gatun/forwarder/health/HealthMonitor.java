package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The health of every backend of every service that has a health check: one {@link ProbeLoop} per
 * (service, backend), kept across snapshots while its check stays the same.
 */
public final class HealthMonitor implements AutoCloseable {
  private final ProbeSet probes;
  private final Consumer<HealthStatus> onTransition;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<BackendKey, ProbeLoop> loops = new HashMap<>();

  /**
   * @param onTransition called on the probing thread for every threshold crossing
   */
  public HealthMonitor(
      ProbeSet probes, Consumer<HealthStatus> onTransition, Clock clock, MeterRegistry registry) {
    this.probes = probes;
    this.onTransition = onTransition;
    this.clock = clock;
    this.registry = registry;
  }

  /**
   * Whether the backend counts as healthy if it were tracked with {@code spec}: its present state
   * when it already is, healthy when it would start now.
   */
  public synchronized boolean healthyUnder(BackendKey key, HealthCheckSpec spec) {
    ProbeLoop loop = loops.get(key);
    return loop == null || !loop.state().spec().equals(spec) || loop.state().healthy();
  }

  /** Probes exactly these backends from now on; unchanged ones keep their state and rhythm. */
  public synchronized void track(Map<BackendKey, HealthCheckSpec> targets) {
    loops
        .entrySet()
        .removeIf(
            e -> {
              boolean keep = e.getValue().state().spec().equals(targets.get(e.getKey()));
              if (!keep) {
                e.getValue().stop();
              }
              return !keep;
            });
    Map<BackendKey, ProbeLoop> started = new HashMap<>();
    targets.forEach(
        (key, spec) -> {
          if (!loops.containsKey(key)) {
            ProbeLoop loop =
                new ProbeLoop(
                    new HealthState(key, spec, clock.millis()),
                    probes.forType(spec.type()),
                    onTransition,
                    clock,
                    registry);
            started.put(key, loop);
          }
        });
    loops.putAll(started);
    started.values().forEach(ProbeLoop::start);
  }

  /** Every tracked backend's status, ordered by service and backend. */
  public synchronized List<HealthStatus> statuses() {
    return loops.values().stream()
        .map(l -> l.state().status())
        .sorted(
            Comparator.comparing((HealthStatus s) -> s.key().serviceKey())
                .thenComparing(s -> Address.text(s.key().address()))
                .thenComparingInt(s -> s.key().port()))
        .toList();
  }

  @Override
  public synchronized void close() {
    loops.values().forEach(ProbeLoop::stop);
    loops.clear();
  }
}
