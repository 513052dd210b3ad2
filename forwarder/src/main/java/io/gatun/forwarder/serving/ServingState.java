package io.gatun.forwarder.serving;

import io.gatun.control.Address;
import io.gatun.forwarder.dataplane.DataPlaneControl;
import io.gatun.forwarder.health.BackendKey;
import io.gatun.forwarder.health.HealthCheckSpec;
import io.gatun.forwarder.health.HealthMonitor;
import io.gatun.forwarder.health.HealthStatus;
import io.gatun.forwarder.health.PassiveService;
import io.gatun.forwarder.health.PassiveWatch;
import io.gatun.forwarder.health.ProbeSet;
import io.gatun.forwarder.health.RotationMeters;
import io.gatun.forwarder.metrics.CommitMeters;
import io.gatun.fwd.BackendSpec;
import io.gatun.fwd.ForwardingMode;
import io.gatun.fwd.ServiceRefusal;
import io.gatun.fwd.ServiceSpec;
import io.gatun.fwd.ServiceStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the data plane serves: the operator's latest snapshot minus the backends the prober found
 * unhealthy. A new snapshot replaces it; a service the data plane refuses is left out on its own
 * (and neither probed nor counted as owning its VIP), every other one runs. A health threshold
 * crossing recommits it at once, before anyone upstream hears of it; refused services are refused
 * again there and change nothing for the others. Commits are whole-state, so flows to a backend
 * that left are rescheduled and every other flow keeps its backend.
 *
 * <p>When every serving backend of a service is unhealthy the service keeps all of them (fail open,
 * as cloud network load balancers do): a broken probe or a shared dependency must not turn a
 * degraded service into a black hole.
 *
 * <p>Draining backends (removed by the operator, keeping the connections they have) are probed too,
 * and one whose probe fails leaves at once: its connections have nowhere healthy to go on. They
 * never count towards fail open, which serves new connections, and they stay draining. A service
 * left with draining backends only is still committed, so their connections go on.
 *
 * <p>A health check with passive settings also lets the data plane's own view take a backend out
 * ({@link PassiveWatch}): the same way out, the same recommit, reported with {@code
 * passive_failure}.
 */
public final class ServingState implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServingState.class);

  private final DataPlaneControl dataPlane;
  private final HealthMonitor health;
  private final PassiveWatch passive;
  private final RotationMeters rotation;
  private final Consumer<HealthStatus> upstream;
  private volatile List<InetAddress> vipsServed = List.of();
  private volatile Consumer<List<InetAddress>> servedListener = vips -> {};
  private volatile List<InetAddress> natVipsServed = List.of();
  private volatile Consumer<List<InetAddress>> natListener = vips -> {};
  private final Timer recommitTime;
  private final CommitMeters commits;
  private List<DesiredService> desired = List.of();
  private Set<String> runningKeys = Set.of();

  /**
   * @param upstream told of every threshold crossing after the data plane acted on it
   */
  public ServingState(
      DataPlaneControl dataPlane,
      ProbeSet probes,
      Consumer<HealthStatus> upstream,
      Clock clock,
      MeterRegistry registry) {
    this.dataPlane = dataPlane;
    this.upstream = upstream;
    this.health = new HealthMonitor(probes, this::healthChanged, clock, registry);
    this.passive = new PassiveWatch(health, dataPlane::serviceStats, clock);
    this.rotation = new RotationMeters(registry);
    this.commits = new CommitMeters(registry);
    this.recommitTime =
        Timer.builder("gatun.health.recommit")
            .description(
                "From a health verdict to the data plane running with or without the backend")
            .register(registry);
    passive.start();
  }

  /**
   * Serves {@code next} from now on, every service of it the data plane takes; returns the refused
   * ones (key to the data plane's reason, in {@code next}'s order). Throws, changing nothing, when
   * the data plane refuses the whole commit.
   */
  synchronized Map<String, String> replace(List<DesiredService> next) {
    Map<String, String> refused = commit(next);
    desired = List.copyOf(next);
    List<DesiredService> running =
        next.stream().filter(s -> !refused.containsKey(s.key())).toList();
    health.track(probeTargets(running));
    passive.track(passiveTargets(running));
    vipsServed = running.stream().map(s -> s.spec().vip()).distinct().toList();
    runningKeys = running.stream().map(DesiredService::key).collect(Collectors.toSet());
    natVipsServed =
        running.stream()
            .filter(s -> s.spec().mode() == ForwardingMode.NAT)
            .map(s -> s.spec().vip())
            .distinct()
            .toList();
    natListener.accept(natVipsServed);
    servedListener.accept(vipsServed);
    return refused;
  }

  /**
   * The running services with at least one serving backend that is healthy here (without a health
   * check: that the endpoints list as ready). Unlike the data plane, which fails open when every
   * backend is unhealthy, this says no: what BGP may advertise.
   */
  public synchronized Set<String> servableKeys() {
    Set<String> out = new java.util.HashSet<>();
    for (DesiredService s : desired) {
      if (!runningKeys.contains(s.key())) {
        continue;
      }
      Predicate<BackendSpec> healthy =
          s.healthCheck()
              .<Predicate<BackendSpec>>map(
                  check ->
                      b ->
                          health.healthyUnder(
                              new BackendKey(s.key(), b.address(), b.port()), check))
              .orElse(b -> true);
      if (s.spec().backends().stream().anyMatch(b -> !b.draining() && healthy.test(b))) {
        out.add(s.key());
      }
    }
    return out;
  }

  /** The operator's services as last applied, every backend included. */
  public synchronized List<DesiredService> desired() {
    return desired;
  }

  /** Every probed backend's status, for a complete report. */
  public List<HealthStatus> healthStatuses() {
    return health.statuses();
  }

  /**
   * The VIPs of the running services (refused ones left out), sorted as text: what this forwarder
   * may answer for. Which of them it does answer for is the fleet's decision.
   */
  public List<String> vipsServed() {
    return vipsServed.stream().map(Address::text).sorted().toList();
  }

  /**
   * Given every data-plane reading that leads to a passive verdict, before the verdict recommits
   * (the metrics: an ejected backend's counters leave the data plane with it).
   */
  public void beforePassiveVerdicts(Consumer<List<ServiceStats>> listener) {
    passive.beforeVerdicts(listener);
  }

  /** Told the VIPs of running NAT-mode services after every snapshot, before the VIPs served. */
  public void onNatVipsServed(Consumer<List<InetAddress>> listener) {
    this.natListener = listener;
    listener.accept(natVipsServed);
  }

  /** Told the running services' VIPs after every snapshot (the announcer). */
  public void onVipsServed(Consumer<List<InetAddress>> listener) {
    this.servedListener = listener;
    listener.accept(vipsServed);
  }

  private void healthChanged(HealthStatus status) {
    rotation.transition(status);
    synchronized (this) {
      long started = System.nanoTime();
      try {
        // Refused services were reported with their snapshot; they stay refused here.
        commit(desired);
        long nanos = System.nanoTime() - started;
        recommitTime.record(nanos, TimeUnit.NANOSECONDS);
        log.info(
            "data plane runs {} {} rotation ({} us after the verdict)",
            status.key(),
            status.healthy() ? "in" : "out of",
            nanos / 1000);
      } catch (RuntimeException e) {
        // A subset of a snapshot the data plane took: only a bug gets here; keep the state.
        log.error("recommitting after {} changed health failed", status.key(), e);
      }
    }
    upstream.accept(status);
  }

  private Map<String, String> commit(List<DesiredService> services) {
    List<ServiceSpec> specs = services.stream().map(this::serving).toList();
    Map<String, String> refused = new LinkedHashMap<>();
    for (ServiceRefusal r : dataPlane.commit(dataPlane.commitSeq() + 1, specs)) {
      refused.put(services.get(r.index()).key(), r.reason());
    }
    commits.record(dataPlane.commitStats());
    return refused;
  }

  private ServiceSpec serving(DesiredService s) {
    if (s.healthCheck().isEmpty()) {
      return s.spec();
    }
    HealthCheckSpec check = s.healthCheck().get();
    Predicate<BackendSpec> healthy =
        b -> health.healthyUnder(new BackendKey(s.key(), b.address(), b.port()), check);
    List<BackendSpec> all = s.spec().backends();
    boolean failOpen =
        all.stream().anyMatch(b -> !b.draining())
            && all.stream().noneMatch(b -> !b.draining() && healthy.test(b));
    if (failOpen) {
      log.warn(
          "every serving backend of {} is unhealthy: serving all of them (fail open)", s.key());
    }
    // In the snapshot's order: serving ones kept when healthy (or failing open), draining ones
    // only when healthy.
    List<BackendSpec> kept =
        all.stream().filter(b -> (failOpen && !b.draining()) || healthy.test(b)).toList();
    if (kept.size() == all.size()) {
      return s.spec();
    }
    ServiceSpec spec = s.spec();
    return new ServiceSpec(
        spec.vip(),
        spec.protocol(),
        spec.port(),
        spec.mode(),
        spec.scheduling(),
        spec.maglevTableSize(),
        kept,
        spec.affinityTimeoutSeconds());
  }

  private static Map<BackendKey, HealthCheckSpec> probeTargets(List<DesiredService> services) {
    Map<BackendKey, HealthCheckSpec> targets = new HashMap<>();
    for (DesiredService s : services) {
      s.healthCheck()
          .ifPresent(
              check ->
                  s.spec()
                      .backends()
                      .forEach(
                          b -> targets.put(new BackendKey(s.key(), b.address(), b.port()), check)));
    }
    return targets;
  }

  private static List<PassiveService> passiveTargets(List<DesiredService> services) {
    return services.stream()
        .filter(s -> s.healthCheck().flatMap(HealthCheckSpec::passive).isPresent())
        .map(
            s -> {
              HealthCheckSpec check = s.healthCheck().get();
              Set<BackendKey> members =
                  s.spec().backends().stream()
                      .filter(b -> !b.draining())
                      .map(b -> new BackendKey(s.key(), b.address(), b.port()))
                      .collect(Collectors.toSet());
              return new PassiveService(
                  s.key(),
                  s.spec().vip(),
                  s.spec().protocol(),
                  s.spec().port(),
                  members,
                  check.passive().get(),
                  check.type() != io.gatun.control.v1.HealthCheck.Type.PASSIVE);
            })
        .toList();
  }

  @Override
  public void close() {
    passive.close();
    health.close();
  }
}
