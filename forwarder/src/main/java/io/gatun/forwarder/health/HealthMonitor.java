package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.gatun.control.v1.HealthCheck;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The health of every backend of every service that has a health check: one {@link HealthState} per
 * (service, backend), kept across snapshots while its check stays the same, probed by a {@link
 * ProbeLoop} unless the check is passive only. The data plane's passive verdicts ({@link
 * PassiveWatch}) move the same states.
 */
public final class HealthMonitor implements AutoCloseable {
  private final ProbeSet probes;
  private final Consumer<HealthStatus> onTransition;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<BackendKey, HealthState> states = new HashMap<>();
  private final Map<BackendKey, ProbeLoop> loops = new HashMap<>();
  private final Map<String, Set<BackendKey>> byService = new HashMap<>(); // states' keys

  /**
   * @param onTransition called for every threshold crossing and passive verdict, on the thread that
   *     made it and outside this monitor's lock
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
    HealthState state = states.get(key);
    return state == null || !state.spec().equals(spec) || state.healthy();
  }

  /** Tracks exactly these backends from now on; unchanged ones keep their state and rhythm. */
  public synchronized void track(Map<BackendKey, HealthCheckSpec> targets) {
    for (var it = states.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().spec().equals(targets.get(e.getKey()))) {
        it.remove();
        forget(e.getKey());
      }
    }
    start(targets);
  }

  /**
   * Tracks exactly these backends of the services {@code serviceKeys} from now on (the services a
   * snapshot changed), leaving every other service's as they are; unchanged ones keep their state
   * and rhythm.
   */
  public synchronized void retrack(
      Set<String> serviceKeys, Map<BackendKey, HealthCheckSpec> targets) {
    for (String service : serviceKeys) {
      Set<BackendKey> tracked = byService.get(service);
      if (tracked == null) {
        continue;
      }
      for (BackendKey key : List.copyOf(tracked)) {
        if (!states.get(key).spec().equals(targets.get(key))) {
          states.remove(key);
          forget(key);
        }
      }
    }
    start(targets);
  }

  private void forget(BackendKey key) {
    ProbeLoop loop = loops.remove(key);
    if (loop != null) {
      loop.stop();
    }
    Set<BackendKey> ofService = byService.get(key.serviceKey());
    if (ofService != null && ofService.remove(key) && ofService.isEmpty()) {
      byService.remove(key.serviceKey());
    }
  }

  private void start(Map<BackendKey, HealthCheckSpec> targets) {
    Map<BackendKey, ProbeLoop> started = new HashMap<>();
    targets.forEach(
        (key, spec) -> {
          if (!states.containsKey(key)) {
            HealthState state = new HealthState(key, spec, clock.millis());
            states.put(key, state);
            byService.computeIfAbsent(key.serviceKey(), k -> new java.util.HashSet<>()).add(key);
            if (spec.type() != HealthCheck.Type.PASSIVE) {
              started.put(
                  key,
                  new ProbeLoop(state, probes.forType(spec.type()), onTransition, clock, registry));
            }
          }
        });
    loops.putAll(started);
    started.values().forEach(ProbeLoop::start);
  }

  /** The tracked backends of a service that are out of rotation now, for any reason. */
  public synchronized Set<BackendKey> outOfRotation(String serviceKey) {
    return states.entrySet().stream()
        .filter(e -> e.getKey().serviceKey().equals(serviceKey) && !e.getValue().healthy())
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /**
   * Takes a backend out of rotation on the data plane's passive verdict; false when it is not
   * tracked or already out.
   */
  public boolean eject(BackendKey key, String reason) {
    return apply(key, s -> s.eject(reason, clock.millis()));
  }

  /** Returns a passively ejected backend on trial; false when it is not tracked or not ejected. */
  public boolean returnOnTrial(BackendKey key, String reason) {
    return apply(key, s -> s.returnOnTrial(reason, clock.millis()));
  }

  private boolean apply(
      BackendKey key, java.util.function.Function<HealthState, Optional<HealthStatus>> change) {
    HealthState state;
    synchronized (this) {
      state = states.get(key);
    }
    Optional<HealthStatus> changed = state == null ? Optional.empty() : change.apply(state);
    changed.ifPresent(onTransition); // outside the lock: the listener recommits
    return changed.isPresent();
  }

  /** Every tracked backend's status, ordered by service and backend. */
  public synchronized List<HealthStatus> statuses() {
    return states.values().stream()
        .map(HealthState::status)
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
    states.clear();
    byService.clear();
  }
}
