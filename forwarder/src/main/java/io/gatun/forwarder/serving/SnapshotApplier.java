package io.gatun.forwarder.serving;

import io.gatun.control.Address;
import io.gatun.control.delta.SnapshotChange;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.RefusedService;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.forwarder.health.HealthCheckSpec;
import io.gatun.forwarder.metrics.Meters;
import io.gatun.fwd.BackendSpec;
import io.gatun.fwd.ForwardingMode;
import io.gatun.fwd.Protocol;
import io.gatun.fwd.Scheduling;
import io.gatun.fwd.ServiceSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns operator snapshots into what the data plane serves, and says so in an Ack. A service that
 * cannot be read or that the data plane refuses is listed in {@code Ack.refused} with its reason
 * and left out; every other service of the snapshot runs ({@code applied=true}). Only a snapshot
 * that is stale or that the data plane refuses as a whole is not applied.
 *
 * <p>Snapshot versions only grow, across streams too: the Hello tells a (restarted) operator which
 * snapshot version runs here, and the operator numbers its next snapshot above it. So a snapshot
 * older than the one running is refused whichever stream brings it, and the one running, sent again
 * after a reconnect, is acknowledged without a commit.
 */
public final class SnapshotApplier {
  private static final Logger log = LoggerFactory.getLogger(SnapshotApplier.class);

  private final ServingState serving;
  private final AtomicLong lastSnapshotVersion = new AtomicLong();
  private final Timer applyTime;
  private final Counter appliedCount;
  private final Counter rejected;
  private final Counter stale;
  private final AtomicLong refusedServices = new AtomicLong();
  private Consumer<FleetConfig> fleetListener = fleet -> {};
  // The services applied last, by key, as the operator sent them (those unreadable too), and what
  // is still to be applied: a change the data plane refused as a whole waits for the next message.
  private final Map<String, VirtualService> applied = new HashMap<>();
  private final Map<String, String> unreadable = new HashMap<>();
  private final Map<String, VirtualService> pendingUpserts = new LinkedHashMap<>();
  private final Set<String> pendingRemoved = new HashSet<>();
  private Consumer<BgpConfig> bgpListener = bgp -> {};

  public SnapshotApplier(ServingState serving, MeterRegistry registry) {
    this.serving = serving;
    Gauge.builder("gatun.snapshot.version", lastSnapshotVersion, AtomicLong::get)
        .description("Version of the operator snapshot the data plane runs (0: none yet)")
        .register(registry);
    this.applyTime =
        Timer.builder("gatun.snapshot.apply")
            .description("From receipt of a snapshot to the data plane running it")
            .register(registry);
    this.appliedCount = outcome(registry, "applied");
    this.rejected = outcome(registry, "rejected");
    this.stale = outcome(registry, "stale");
    Gauge.builder("gatun.services.refused", refusedServices, AtomicLong::get)
        .description("Services of the running snapshot this forwarder refused (see the Ack)")
        .register(registry);
  }

  private static Counter outcome(MeterRegistry registry, String result) {
    return Meters.counter(
        registry,
        "gatun.snapshots",
        "Snapshots received, by what became of them",
        "result",
        result);
  }

  /**
   * Told each applied snapshot's fleet configuration, before its VIPs are served (the announcer).
   */
  public synchronized void onFleetConfig(Consumer<FleetConfig> listener) {
    this.fleetListener = listener;
  }

  /**
   * Told each applied snapshot's BGP configuration, before its VIPs are served (so the L2 announcer
   * leaves the BGP VIPs alone from the start).
   */
  public synchronized void onBgpConfig(Consumer<BgpConfig> listener) {
    this.bgpListener = listener;
  }

  /** The operator snapshot version the data plane runs; 0 until the first snapshot is applied. */
  public long lastSnapshotVersion() {
    return lastSnapshotVersion.get();
  }

  /** A complete snapshot: a change from nothing. */
  public Ack apply(Snapshot snapshot) {
    return apply(SnapshotChange.complete(snapshot));
  }

  /**
   * A message from the operator: the services it changed are translated and committed, not the
   * others (a complete snapshot is compared with what runs, service by service). A change the data
   * plane refuses as a whole stays pending and goes with the next message.
   */
  public synchronized Ack apply(SnapshotChange change) {
    long started = System.nanoTime();
    long snapshotVersion = change.version();
    long running = lastSnapshotVersion.get();
    if (snapshotVersion < running) {
      stale.increment();
      log.warn("refusing snapshot version {}: snapshot version {} runs", snapshotVersion, running);
      return refused(
          snapshotVersion,
          "stale snapshot version " + snapshotVersion + " (running " + running + ")");
    }
    if (snapshotVersion == running) {
      return Ack.newBuilder().setSnapshotVersion(snapshotVersion).setApplied(true).build();
    }
    pend(change);
    try {
      // Only the services that differ from what was applied: a delta's own, or (complete) those
      // of the snapshot that changed and those it lacks.
      List<DesiredService> upserts = new ArrayList<>();
      Map<String, String> unreadableNow = new HashMap<>();
      List<VirtualService> changed = new ArrayList<>();
      for (VirtualService vs : pendingUpserts.values()) {
        if (vs.equals(applied.get(vs.getKey()))) {
          continue;
        }
        changed.add(vs);
        try {
          upserts.add(desired(vs));
        } catch (IllegalArgumentException e) {
          unreadableNow.put(vs.getKey(), e.getMessage());
        }
      }
      Set<String> removed = new HashSet<>(pendingRemoved);
      removed.addAll(unreadableNow.keySet()); // what ran under that key runs no more
      fleetListener.accept(change.fleet());
      bgpListener.accept(change.bgp());
      Map<String, String> refusedNow = serving.change(upserts, removed);
      // Applied: what was pending is what runs (or is refused) now.
      pendingRemoved.forEach(
          k -> {
            applied.remove(k);
            unreadable.remove(k);
          });
      for (VirtualService vs : changed) {
        applied.put(vs.getKey(), vs);
        unreadable.remove(vs.getKey());
      }
      unreadable.putAll(unreadableNow);
      pendingUpserts.clear();
      pendingRemoved.clear();
      lastSnapshotVersion.set(snapshotVersion);
      Map<String, String> why = new HashMap<>(unreadable);
      why.putAll(refusedNow);
      refusedServices.set(why.size());
      long nanos = System.nanoTime() - started;
      applyTime.record(nanos, TimeUnit.NANOSECONDS);
      appliedCount.increment();
      log.info(
          "applied snapshot version {}: {} services ({} changed) in {} us, {} refused",
          snapshotVersion,
          change.services() - why.size(),
          upserts.size() + removed.size(),
          nanos / 1000,
          why.size());
      Ack.Builder ack =
          Ack.newBuilder()
              .setSnapshotVersion(snapshotVersion)
              .setApplied(true)
              .setApplyNanos(nanos);
      // In the snapshot's order, which is the keys' (the operator's, and DeltaAssembly's).
      new TreeMap<>(why)
          .forEach(
              (key, error) -> {
                log.warn("refused service {}: {}", key, error);
                ack.addRefused(RefusedService.newBuilder().setServiceKey(key).setError(error));
              });
      return ack.build();
    } catch (RuntimeException e) {
      rejected.increment();
      log.warn("rejected snapshot version {}: {}", snapshotVersion, e.getMessage());
      return refused(snapshotVersion, e.getMessage());
    }
  }

  /**
   * Adds {@code change} to what is still to be applied: a delta's services and removals over any
   * left from a refused message; a complete snapshot replaces them with every service of it, and
   * the removal of every applied service it lacks.
   */
  private void pend(SnapshotChange change) {
    if (change.complete()) {
      pendingUpserts.clear();
      pendingRemoved.clear();
      change.snapshot().getServicesList().forEach(vs -> pendingUpserts.put(vs.getKey(), vs));
      for (String key : applied.keySet()) {
        if (!pendingUpserts.containsKey(key)) {
          pendingRemoved.add(key);
        }
      }
      return;
    }
    for (String key : change.removed()) {
      pendingUpserts.remove(key);
      pendingRemoved.add(key);
    }
    for (VirtualService vs : change.upserted()) {
      pendingRemoved.remove(vs.getKey());
      pendingUpserts.put(vs.getKey(), vs);
    }
  }

  private static Ack refused(long snapshotVersion, String why) {
    return Ack.newBuilder()
        .setSnapshotVersion(snapshotVersion)
        .setApplied(false)
        .setError(why == null ? "refused" : why)
        .build();
  }

  /** A snapshot's services as the data plane takes them, and those that could not be read. */
  record Translation(List<DesiredService> services, Map<String, String> unreadable) {}

  /** Each service on its own: one that cannot be read is set aside with why, not the snapshot. */
  static Translation translate(Snapshot snapshot) {
    List<DesiredService> services = new ArrayList<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    for (VirtualService vs : snapshot.getServicesList()) {
      try {
        services.add(desired(vs));
      } catch (IllegalArgumentException e) {
        unreadable.put(vs.getKey(), e.getMessage());
      }
    }
    return new Translation(List.copyOf(services), unreadable);
  }

  /** One service as the data plane takes it; throws, naming what, when it cannot be read. */
  static DesiredService desired(VirtualService vs) {
    return new DesiredService(
        vs.getKey(),
        spec(vs),
        vs.hasHealthCheck()
            ? Optional.of(HealthCheckSpec.of(vs.getHealthCheck()))
            : Optional.empty());
  }

  /**
   * The service as the data plane takes it, as sent: the operator resolved every default, and the
   * enums carry C's numbers (a value C does not know is refused here, naming it).
   */
  private static ServiceSpec spec(VirtualService vs) {
    List<BackendSpec> backends = new ArrayList<>();
    for (Backend b : vs.getBackendsList()) {
      backends.add(
          new BackendSpec(
              Address.parse(b.getAddress()).toInetAddress(),
              b.getPort(),
              b.getWeight(),
              b.getDraining()));
    }
    return new ServiceSpec(
        Address.parse(vs.getVip()).toInetAddress(),
        Protocol.of(vs.getProtocolValue()),
        vs.getPort(),
        ForwardingMode.of(vs.getModeValue()),
        Scheduling.of(vs.getSchedulingValue()),
        vs.getMaglevTableSize(),
        backends,
        vs.getSessionAffinityTimeoutSeconds());
  }
}
