package io.gatun.forwarder.serving;

import io.gatun.control.Address;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private final Counter applied;
  private final Counter rejected;
  private final Counter stale;
  private final AtomicLong refusedServices = new AtomicLong();
  private Consumer<FleetConfig> fleetListener = fleet -> {};
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
    this.applied = outcome(registry, "applied");
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

  public synchronized Ack apply(Snapshot snapshot) {
    long started = System.nanoTime();
    long snapshotVersion = snapshot.getSnapshotVersion();
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
    try {
      Translation t = translate(snapshot);
      Map<String, String> why = new LinkedHashMap<>(t.unreadable());
      fleetListener.accept(snapshot.getFleet());
      bgpListener.accept(snapshot.getBgp());
      why.putAll(serving.replace(t.services()));
      lastSnapshotVersion.set(snapshotVersion);
      refusedServices.set(why.size());
      long nanos = System.nanoTime() - started;
      applyTime.record(nanos, TimeUnit.NANOSECONDS);
      applied.increment();
      log.info(
          "applied snapshot version {}: {} services in {} us, {} refused",
          snapshotVersion,
          snapshot.getServicesCount() - why.size(),
          nanos / 1000,
          why.size());
      Ack.Builder ack =
          Ack.newBuilder()
              .setSnapshotVersion(snapshotVersion)
              .setApplied(true)
              .setApplyNanos(nanos);
      for (VirtualService vs : snapshot.getServicesList()) { // in the snapshot's order
        String error = why.remove(vs.getKey());
        if (error != null) {
          log.warn("refused service {}: {}", vs.getKey(), error);
          ack.addRefused(RefusedService.newBuilder().setServiceKey(vs.getKey()).setError(error));
        }
      }
      return ack.build();
    } catch (RuntimeException e) {
      rejected.increment();
      log.warn("rejected snapshot version {}: {}", snapshotVersion, e.getMessage());
      return refused(snapshotVersion, e.getMessage());
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
        services.add(
            new DesiredService(
                vs.getKey(),
                spec(vs),
                vs.hasHealthCheck()
                    ? Optional.of(HealthCheckSpec.of(vs.getHealthCheck()))
                    : Optional.empty()));
      } catch (IllegalArgumentException e) {
        unreadable.put(vs.getKey(), e.getMessage());
      }
    }
    return new Translation(List.copyOf(services), unreadable);
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
