package io.gatun.forwarder;

import io.gatun.control.Address;
import io.gatun.control.delta.SnapshotChange;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Port;
import io.gatun.forwarder.bgp.Advertising;
import io.gatun.forwarder.bgp.BgpSpeaker;
import io.gatun.forwarder.bgp.FrrDirectory;
import io.gatun.forwarder.bgp.KernelInterfaces;
import io.gatun.forwarder.bgp.L2Feed;
import io.gatun.forwarder.control.AgentReports;
import io.gatun.forwarder.control.ControlChannel;
import io.gatun.forwarder.control.ControlTransport;
import io.gatun.forwarder.dataplane.DataPlaneControl;
import io.gatun.forwarder.dataplane.WorkerWatch;
import io.gatun.forwarder.fleet.Announcer;
import io.gatun.forwarder.fleet.LoneAnnouncer;
import io.gatun.forwarder.health.HealthStatus;
import io.gatun.forwarder.health.ProbeSet;
import io.gatun.forwarder.http.StatusServer;
import io.gatun.forwarder.metrics.DataPlaneMetrics;
import io.gatun.forwarder.metrics.NamedService;
import io.gatun.forwarder.serving.DesiredService;
import io.gatun.forwarder.serving.ServingState;
import io.gatun.forwarder.serving.SnapshotApplier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder agent once its data plane runs: the control channel, the serving state with its
 * prober, metrics and the status endpoints, wired together.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  static final Duration OBSERVATION_PERIOD = Duration.ofSeconds(5);

  /**
   * How often the VIPs answered for are compared with those last reported. A fleet elects owners on
   * its own thread, a moment after the snapshot that brought a VIP was acknowledged: the operator
   * waits (two seconds at most) for the owner's report before it writes a new LoadBalancer's
   * status, so the report must not wait for the next periodic observation.
   */
  static final Duration OWNED_CHECK = Duration.ofMillis(100);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DataPlaneControl dataPlane;
  private final WorkerWatch workerWatch = new WorkerWatch();
  private final List<Port> ports;
  private final ServingState serving;
  private final SnapshotApplier applier;
  private final DataPlaneMetrics metrics;
  private final ControlChannel channel;
  private final AgentReports reports;
  private final StatusServer status;
  private final Announcer announcer;
  private final Optional<BgpSpeaker> bgp;
  private static final Duration STUCK_WINDOW = Duration.ofSeconds(2);
  private final WorkerWatch bgpWorkerWatch = new WorkerWatch();
  private long bgpLoopsCheckedAt = System.nanoTime();
  private boolean bgpLooping = true;
  private volatile Thread controlLoop;
  private volatile Thread ownedReporter;
  private List<DesiredService> namedFrom;
  private List<NamedService> named = List.of();

  /**
   * @param ports name, MAC and addresses of each data-plane port, in port order
   */
  public Agent(
      ForwarderConfig config,
      DataPlaneControl dataPlane,
      List<Port> ports,
      ProbeSet probes,
      Clock clock) {
    this(config, dataPlane, ports, probes, clock, LoneAnnouncer::silent);
  }

  /**
   * @param announcer decides which served VIPs this forwarder answers for (a {@code Fleet}, or a
   *     {@code LoneAnnouncer}), given the agent's meter registry
   */
  public Agent(
      ForwarderConfig config,
      DataPlaneControl dataPlane,
      List<Port> ports,
      ProbeSet probes,
      Clock clock,
      Function<MeterRegistry, Announcer> announcer) {
    this.dataPlane = dataPlane;
    this.ports = List.copyOf(ports);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.serving = new ServingState(dataPlane, probes, this::healthChanged, clock, registry);
    this.applier = new SnapshotApplier(serving, registry);
    this.announcer = announcer.apply(registry);
    applier.onFleetConfig(this.announcer::configure);
    L2Feed l2 = new L2Feed(this.announcer);
    applier.onBgpConfig(l2::bgp);
    serving.onNatVipsServed(l2::natServed);
    serving.onVipsServed(l2::served);
    this.announcer.start();
    this.bgp =
        config
            .bgp()
            .map(
                b ->
                    new BgpSpeaker(
                        config.name(),
                        routerId(ports),
                        kernelInterfaces(b.interfacePrefix(), ports),
                        FrrDirectory.of(b),
                        this::bgpReadiness,
                        registry));
    this.metrics =
        new DataPlaneMetrics(
            dataPlane::counters,
            dataPlane::serviceStats,
            this::namedServices,
            ports.stream().map(Port::getName).toList(),
            dataPlane::linkUp,
            dataPlane::portStats,
            registry);
    serving.beforePassiveVerdicts(metrics::observe);
    this.reports =
        new AgentReports(config, ports, dataPlane, metrics, applier, serving, this.announcer);
    bgp.ifPresent(speaker -> reports.describeAlso(speaker::describe));
    this.channel =
        new ControlChannel(
            new ControlTransport(config.operator(), config.tls()),
            this::applySnapshot,
            reports,
            OBSERVATION_PERIOD,
            config.reconnectMax(),
            registry);
    this.status =
        StatusServer.start(
            config.metricsAddress(), registry, metrics::refresh, this::healthz, this::readyz);
  }

  /**
   * A snapshot for the data plane, then (once applied) the announcer may claim VIPs, and its BGP
   * part goes to FRR.
   */
  private Ack applySnapshot(SnapshotChange change) {
    Ack ack = applier.apply(change);
    if (ack.getApplied()) {
      announcer.ready();
      bgp.ifPresent(speaker -> speaker.configure(change.bgp()));
    }
    // The VIPs it now answers for go out before the Ack: the operator then finds a new
    // LoadBalancer Programmed and Announced at once (see AgentReports.ifOwnedChanged).
    reports.ifOwnedChanged().ifPresent(channel::report);
    return ack;
  }

  /** What BGP may advertise: ports up, workers looping, and which services can be served. */
  private Advertising.Readiness bgpReadiness() {
    boolean portsUp = IntStream.range(0, ports.size()).allMatch(dataPlane::linkUp);
    return new Advertising.Readiness(portsUp, workersLooping(), serving.servableKeys());
  }

  /**
   * Whether every worker's loop count moved over the last {@link #STUCK_WINDOW}: a shorter window
   * would call a worker stuck that a busy machine merely did not schedule for a moment (seen on the
   * shared test machine at 200 ms), and withdraw routes for nothing.
   */
  private synchronized boolean workersLooping() {
    long now = System.nanoTime();
    if (now - bgpLoopsCheckedAt >= STUCK_WINDOW.toNanos()) {
      bgpLoopsCheckedAt = now;
      try {
        bgpLooping = bgpWorkerWatch.stuck(dataPlane.workerLoops()) == null;
      } catch (RuntimeException e) {
        bgpLooping = false;
      }
    }
    return bgpLooping;
  }

  /** Each data port's kernel interface with the port's addresses, in port order. */
  static List<KernelInterfaces.KernelInterface> kernelInterfaces(String prefix, List<Port> ports) {
    return IntStream.range(0, ports.size())
        .mapToObj(
            i ->
                new KernelInterfaces.KernelInterface(
                    KernelInterfaces.name(prefix, i), ports.get(i).getAddressesList()))
        .toList();
  }

  /** The first data port's IPv4 address: BGP's router id. */
  static String routerId(List<Port> ports) {
    return ports.stream()
        .flatMap(p -> p.getAddressesList().stream())
        .filter(cidr -> !cidr.contains(":"))
        .map(cidr -> cidr.substring(0, cidr.indexOf('/')))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "BGP needs an IPv4 address on a data port: it is the router id"));
  }

  /** Follows the operator until {@link #close()}. */
  public void run() throws InterruptedException {
    controlLoop = Thread.currentThread();
    bgp.ifPresent(BgpSpeaker::start);
    ownedReporter = Thread.ofVirtual().name("gatun-owned-report").start(this::reportOwnedChanges);
    try {
      channel.run();
    } finally {
      ownedReporter.interrupt();
    }
  }

  /** Reports the VIPs answered for soon after they change (see {@link #OWNED_CHECK}). */
  private void reportOwnedChanges() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(OWNED_CHECK);
        reports.ifOwnedChanged().ifPresent(channel::report);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.debug("reporting the VIPs answered for failed: {}", e.getMessage());
      }
    }
  }

  public int metricsPort() {
    return status.port();
  }

  private void healthChanged(HealthStatus health) {
    channel.report(reports.transition(health));
  }

  /**
   * The snapshot's services as the traffic metrics name them; the same list object until the
   * snapshot changes, so that a scrape between snapshots names nothing again.
   */
  private synchronized List<NamedService> namedServices() {
    List<DesiredService> desired = serving.desired();
    if (desired != namedFrom) {
      named = name(desired);
      namedFrom = desired;
    }
    return named;
  }

  private static List<NamedService> name(List<DesiredService> desired) {
    return desired.stream()
        .map(
            s ->
                new NamedService(
                    s.spec().vip(),
                    s.spec().protocol().name(),
                    s.spec().port(),
                    s.key(),
                    s.spec().backends().stream()
                        .map(b -> Address.text(b.address()) + ":" + b.port())
                        .collect(java.util.stream.Collectors.toSet())))
        .toList();
  }

  /** Alive: the control loop runs, the data plane answers and every worker keeps looping. */
  private StatusServer.Check healthz() {
    Thread loop = controlLoop;
    if (loop == null || !loop.isAlive()) {
      return new StatusServer.Check(false, "the control loop is not running");
    }
    try {
      String stuck = workerWatch.stuck(dataPlane.workerLoops());
      if (stuck != null) {
        return new StatusServer.Check(false, stuck);
      }
      return new StatusServer.Check(
          true, "control loop and workers running, data plane at commit " + dataPlane.commitSeq());
    } catch (RuntimeException e) {
      return new StatusServer.Check(false, "the data plane does not answer: " + e.getMessage());
    }
  }

  /** Ready: every port's link is up and a snapshot from the operator runs. */
  private StatusServer.Check readyz() {
    List<String> down =
        IntStream.range(0, ports.size())
            .filter(i -> !dataPlane.linkUp(i))
            .mapToObj(i -> ports.get(i).getName())
            .toList();
    if (!down.isEmpty()) {
      return new StatusServer.Check(false, "link down on " + String.join(", ", down));
    }
    long version = applier.lastSnapshotVersion();
    if (version == 0) {
      return new StatusServer.Check(false, "no snapshot from the operator applied yet");
    }
    return new StatusServer.Check(
        true,
        "links up, snapshot version "
            + version
            + (channel.connected() ? "" : " (operator away: forwarding with the last snapshot)"));
  }

  /**
   * A planned stop, first half: hands this forwarder's VIPs to its peers; it keeps forwarding until
   * {@link #close()}. Returns how long to wait before closing ({@code --drain-grace-ms}).
   */
  public Duration leave() {
    announcer.leave();
    return announcer.drainGrace();
  }

  @Override
  public void close() throws InterruptedException {
    Thread reporter = ownedReporter;
    if (reporter != null) {
      reporter.interrupt();
    }
    bgp.ifPresent(BgpSpeaker::close);
    announcer.close();
    channel.close();
    status.close();
    serving.close();
    registry.close();
  }
}
