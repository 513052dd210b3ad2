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
import io.gatun.fwd.ServiceId;
import io.gatun.fwd.ServiceRefusal;
import io.gatun.fwd.ServiceSpec;
import io.gatun.fwd.ServiceStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
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
 * again there and change nothing for the others. Flows to a backend that left are rescheduled and
 * every other flow keeps its backend.
 *
 * <p>A snapshot's change costs what changed ({@link #change}): the data plane gets the services
 * added, changed and removed ({@code gfwd_commit_delta}), health checks and passive watches are
 * tracked again for those services only, and the announcer hears of the served VIPs only when one
 * comes or goes. A health verdict recommits its own service. What a delta cannot express as the
 * whole commit would run it — two services of one VIP, port and protocol, where the snapshot's
 * order decides which runs — is committed whole.
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

  /** The operator's services by key (the snapshot's order), every backend included. */
  private final TreeMap<String, DesiredService> desired = new TreeMap<>();

  private List<DesiredService> desiredList = List.of(); // null: changed since made
  private final Map<String, String> refused =
      new HashMap<>(); // desired keys the data plane refused
  private final Map<String, ServiceId> running = new HashMap<>(); // the others, as it names them
  private final Map<ServiceId, Integer> idUses = new HashMap<>(); // over desired
  private int sharedIds; // ids more than one desired service has: the snapshot's order decides
  private final Map<InetAddress, Integer> vipUses = new HashMap<>(); // over running
  private final Map<InetAddress, Integer> natVipUses = new HashMap<>(); // over running NAT mode
  private boolean vipsMoved; // a VIP came or went since the listeners were told
  private boolean natVipsMoved;

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
   * ones (key to the data plane's reason). Throws, changing nothing, when the data plane refuses
   * the whole commit. One commit of every service: what {@link #change} falls back to.
   */
  synchronized Map<String, String> replace(List<DesiredService> next) {
    TreeMap<String, DesiredService> byKey = new TreeMap<>();
    next.forEach(s -> byKey.put(s.key(), s));
    List<DesiredService> ordered = List.copyOf(byKey.values());
    Map<String, String> refusedNow = commitWhole(ordered);
    desired.clear();
    desired.putAll(byKey);
    desiredList = ordered;
    refused.clear();
    refused.putAll(refusedNow);
    running.clear();
    idUses.clear();
    sharedIds = 0;
    vipUses.clear();
    natVipUses.clear();
    for (DesiredService s : ordered) {
      use(ServiceId.of(s.spec()), 1);
      if (!refused.containsKey(s.key())) {
        run(s);
      }
    }
    List<DesiredService> runningNow = ordered.stream().filter(this::runs).toList();
    health.track(probeTargets(runningNow));
    passive.track(passiveTargets(runningNow));
    tellVips(true);
    return Map.copyOf(refused);
  }

  /**
   * Serves the services of {@code upserts} (added or changed) in place of those of their keys, and
   * no longer those of {@code removed}; every other service runs on untouched. Returns every
   * service refused now, key to reason (those refused before and unchanged too). Throws, changing
   * nothing, when the data plane refuses the whole commit: the same change may be given again.
   */
  synchronized Map<String, String> change(Collection<DesiredService> upserts, Set<String> removed) {
    List<DesiredService> changed = new ArrayList<>();
    for (DesiredService s : upserts) {
      if (!s.equals(desired.get(s.key()))) {
        changed.add(s);
      }
    }
    List<String> gone = removed.stream().filter(desired::containsKey).toList();
    if (changed.isEmpty() && gone.isEmpty()) {
      return Map.copyOf(refused);
    }
    if (sharedIds > 0 || sharesAnId(changed, gone)) {
      TreeMap<String, DesiredService> next = new TreeMap<>(desired);
      gone.forEach(next::remove);
      changed.forEach(s -> next.put(s.key(), s));
      return replace(List.copyOf(next.values()));
    }
    // What leaves the data plane: the removed services, and those an upsert moves to another id
    // (one that keeps its id is replaced in place).
    List<ServiceId> leaving = new ArrayList<>();
    gone.stream().map(running::get).filter(Objects::nonNull).forEach(leaving::add);
    for (DesiredService s : changed) {
      ServiceId was = running.get(s.key());
      if (was != null && !was.equals(ServiceId.of(s.spec()))) {
        leaving.add(was);
      }
    }
    List<ServiceSpec> specs = changed.stream().map(this::serving).toList();
    List<ServiceRefusal> refusals =
        dataPlane.commitDelta(dataPlane.commitSeq() + 1, specs, leaving);
    commits.record(dataPlane.commitStats(), true);

    Map<Integer, String> why = new HashMap<>();
    refusals.forEach(r -> why.put(r.index(), r.reason()));
    Set<String> keys = new HashSet<>(gone);
    for (String key : gone) {
      DesiredService was = desired.remove(key);
      use(ServiceId.of(was.spec()), -1);
      refused.remove(key);
      stop(key, was);
    }
    for (int i = 0; i < changed.size(); i++) {
      DesiredService s = changed.get(i);
      keys.add(s.key());
      DesiredService was = desired.put(s.key(), s);
      if (was != null) {
        use(ServiceId.of(was.spec()), -1);
        stop(s.key(), was);
      }
      use(ServiceId.of(s.spec()), 1);
      String reason = why.get(i);
      if (reason != null) {
        refused.put(s.key(), reason);
      } else {
        refused.remove(s.key());
        run(s);
      }
    }
    desiredList = null;
    List<DesiredService> runningNow = changed.stream().filter(this::runs).toList();
    health.retrack(keys, probeTargets(runningNow));
    passive.retrack(keys, passiveTargets(runningNow));
    tellVips(false);
    return Map.copyOf(refused);
  }

  /** Whether a change would leave two desired services of one VIP, port and protocol. */
  private boolean sharesAnId(List<DesiredService> changed, List<String> gone) {
    Map<ServiceId, Integer> after = new HashMap<>();
    for (String key : gone) {
      after.merge(ServiceId.of(desired.get(key).spec()), -1, Integer::sum);
    }
    for (DesiredService s : changed) {
      DesiredService was = desired.get(s.key());
      if (was != null) {
        after.merge(ServiceId.of(was.spec()), -1, Integer::sum);
      }
      after.merge(ServiceId.of(s.spec()), 1, Integer::sum);
    }
    for (var e : after.entrySet()) {
      if (e.getValue() > 0 && idUses.getOrDefault(e.getKey(), 0) + e.getValue() > 1) {
        return true;
      }
    }
    return false;
  }

  private void use(ServiceId id, int delta) {
    int before = idUses.getOrDefault(id, 0);
    int after = before + delta;
    if (after == 0) {
      idUses.remove(id);
    } else {
      idUses.put(id, after);
    }
    sharedIds += (after > 1 ? 1 : 0) - (before > 1 ? 1 : 0);
  }

  private boolean runs(DesiredService s) {
    return running.containsKey(s.key());
  }

  /** Counts {@code s} as running: its id, its VIP served (and as a NAT VIP in NAT mode). */
  private void run(DesiredService s) {
    running.put(s.key(), ServiceId.of(s.spec()));
    vipsMoved |= vipUses.merge(s.spec().vip(), 1, Integer::sum) == 1;
    if (s.spec().mode() == ForwardingMode.NAT) {
      natVipsMoved |= natVipUses.merge(s.spec().vip(), 1, Integer::sum) == 1;
    }
  }

  /** No longer counts {@code was} (the service of {@code key} until now) as running, if it did. */
  private void stop(String key, DesiredService was) {
    if (running.remove(key) == null) {
      return;
    }
    vipsMoved |=
        vipUses.computeIfPresent(was.spec().vip(), (v, n) -> n == 1 ? null : n - 1) == null;
    if (was.spec().mode() == ForwardingMode.NAT) {
      natVipsMoved |=
          natVipUses.computeIfPresent(was.spec().vip(), (v, n) -> n == 1 ? null : n - 1) == null;
    }
  }

  /**
   * Tells the listeners the VIPs served, when they changed (or {@code always}): the announcer hears
   * of a VIP that comes or goes, not of every snapshot.
   */
  private void tellVips(boolean always) {
    if (always || natVipsMoved) {
      natVipsServed = List.copyOf(natVipUses.keySet());
      natListener.accept(natVipsServed);
    }
    if (always || vipsMoved) {
      vipsServed = List.copyOf(vipUses.keySet());
      servedListener.accept(vipsServed);
    }
    vipsMoved = false;
    natVipsMoved = false;
  }

  /**
   * The running services with at least one serving backend that is healthy here (without a health
   * check: that the endpoints list as ready). Unlike the data plane, which fails open when every
   * backend is unhealthy, this says no: what BGP may advertise.
   */
  public synchronized Set<String> servableKeys() {
    Set<String> out = new HashSet<>();
    for (DesiredService s : desired.values()) {
      if (!running.containsKey(s.key())) {
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

  /**
   * The operator's services as last applied, every backend included, in key order: the same list
   * until they change.
   */
  public synchronized List<DesiredService> desired() {
    if (desiredList == null) {
      desiredList = List.copyOf(desired.values());
    }
    return desiredList;
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
        recommit(status.key().serviceKey());
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

  /**
   * The service of {@code key} again, with its backends' health as it is now. Refused services were
   * reported with their snapshot; they stay refused here.
   */
  private void recommit(String key) {
    DesiredService s = desired.get(key);
    if (s == null || !running.containsKey(key)) {
      return;
    }
    if (sharedIds > 0) {
      commitWhole(List.copyOf(desired.values()));
      return;
    }
    List<ServiceRefusal> refusals =
        dataPlane.commitDelta(dataPlane.commitSeq() + 1, List.of(serving(s)), List.of());
    commits.record(dataPlane.commitStats(), true);
    if (!refusals.isEmpty()) { // a subset of backends it took: only a bug gets here
      log.error("the data plane refused {} with fewer backends: {}", key, refusals.get(0).reason());
      refused.put(key, refusals.get(0).reason());
      stop(key, s);
      tellVips(false);
    }
  }

  private Map<String, String> commitWhole(List<DesiredService> services) {
    List<ServiceSpec> specs = services.stream().map(this::serving).toList();
    Map<String, String> refusedNow = new LinkedHashMap<>();
    for (ServiceRefusal r : dataPlane.commit(dataPlane.commitSeq() + 1, specs)) {
      refusedNow.put(services.get(r.index()).key(), r.reason());
    }
    commits.record(dataPlane.commitStats(), false);
    return refusedNow;
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
