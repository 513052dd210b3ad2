package io.gatun.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.gatun.operator.api.AnnouncementMode;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.Pool;
import io.gatun.operator.backends.EndpointSlices;
import io.gatun.operator.control.ControlPlaneService;
import io.gatun.operator.control.ControlServer;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.forwarder.ForwarderReconciler;
import io.gatun.operator.forwarderset.ForwarderSetReconciler;
import io.gatun.operator.healthprobe.HealthProbeReconciler;
import io.gatun.operator.healthprobe.HealthProbeUsers;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.loadbalancer.LeaseRestorer;
import io.gatun.operator.loadbalancer.LoadBalancerReconciler;
import io.gatun.operator.metrics.FleetNewsMetrics;
import io.gatun.operator.metrics.MetricsServer;
import io.gatun.operator.metrics.PoolMetrics;
import io.gatun.operator.metrics.ReconcileMetrics;
import io.gatun.operator.pool.PoolCatalogs;
import io.gatun.operator.pool.PoolReconciler;
import io.gatun.operator.service.ServiceClass;
import io.gatun.operator.service.ServiceReconciler;
import io.gatun.operator.status.KubernetesEventRecorder;
import io.gatun.operator.status.WriteGate;
import io.gatun.operator.watch.RecordResourceCloner;
import io.gatun.operator.watch.WithoutManagedFields;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: reconcilers, IPAM and the control-channel server, wired together.
 *
 * <p>{@link Main} runs it from the command line; tests and the end-to-end suite start it in process
 * with {@link #start}. The caller keeps ownership of the client. The CRDs must already be installed
 * ({@code kubectl create -f crds/}).
 *
 * <p>With leader election, a replica starts as a standby: informers fill their caches, but nothing
 * is reconciled and forwarders are turned away until it leads. Taking the lead rebuilds IPAM from
 * the API first, then lets reconciles run. A leader that loses its lease stops (it cannot know what
 * the new leader does); {@link #lostLeadership()} tells its host.
 */
public final class GatunOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GatunOperator.class);

  /** How long stopping waits for the reconciles under way. */
  private static final Duration RECONCILES_TO_FINISH = Duration.ofSeconds(10);

  private final Operator operator;
  private final ControlServer server;
  private final MetricsServer metrics; // null without a metrics address
  private final PrometheusMeterRegistry registry;
  private final ForwarderFleet fleet;
  private final ScheduledExecutorService timer;
  private final KubernetesEventRecorder recorder;
  private final AtomicBoolean leading;
  private final WriteGate writes;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> lostLeadership = new CompletableFuture<>();

  private GatunOperator(
      Operator operator,
      ControlServer server,
      MetricsServer metrics,
      PrometheusMeterRegistry registry,
      ForwarderFleet fleet,
      ScheduledExecutorService timer,
      KubernetesEventRecorder recorder,
      AtomicBoolean leading,
      WriteGate writes) {
    this.operator = operator;
    this.server = server;
    this.metrics = metrics;
    this.registry = registry;
    this.fleet = fleet;
    this.timer = timer;
    this.recorder = recorder;
    this.leading = leading;
    this.writes = writes;
  }

  public static GatunOperator start(KubernetesClient client, OperatorOptions options) {
    Clock clock = Clock.systemUTC();
    requireCrds(client);

    var ipam = new Ipam();
    var pools = new PoolCatalogs();
    // Seeded from the clock so snapshot versions keep growing across restarts (see DesiredState).
    var desiredState = new DesiredState(clock.millis());
    var fleet = new ForwarderFleet();
    desiredState.addListener(fleet::sendLatestToAll);
    var leading = new AtomicBoolean();
    var writes = new WriteGate();

    var server =
        ControlServer.start(
            options.grpcAddress(),
            options.security().credentials(client, options.grpcAddress()),
            new ControlPlaneService(fleet, desiredState, leading::get));
    log.info(
        "Control channel listening on {} (port {})",
        options.grpcAddress().getHostString(),
        server.port());
    var timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().daemon().name("gatun-timer").unstarted(runnable));

    // What taking the lead means: IPAM rebuilt from the API before any reconcile, snapshots held
    // back until every known LoadBalancer has been heard from, then forwarders admitted.
    Runnable takeLead =
        () -> {
          var existing = LeaseRestorer.restore(client, ipam);
          desiredState.holdUntilHeardFrom(new HashSet<>(existing));
          desiredState.holdUntilBgpPoolsHeardFrom(bgpPools(client));
          timer.schedule(
              () -> {
                var missing = desiredState.releaseHold();
                if (!missing.isEmpty()) {
                  log.warn("Sending snapshots without the first reconcile of {}", missing);
                }
              },
              options.initialSyncTimeout().toMillis(),
              TimeUnit.MILLISECONDS);
          leading.set(true);
          log.info("Leading: {} LoadBalancers known", existing.size());
        };

    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var recorder = new KubernetesEventRecorder(client, clock, instanceName(), registry);
    fleet.addListener(new FleetNewsMetrics(registry));
    Gauge.builder("gatun_forwarders_connected", fleet, f -> f.names().size())
        .description("Forwarders holding a control-channel stream to this replica")
        .register(registry);
    Gauge.builder(
            "gatun_desired_state_snapshot_version", desiredState, DesiredState::snapshotVersion)
        .description("The version of the latest desired-state snapshot")
        .register(registry);
    Gauge.builder("gatun_leader", leading, l -> l.get() ? 1 : 0)
        .description("1 when this replica is the active one")
        .register(registry);
    var instance = new GatunOperator[1];
    var operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // Each reconcile's copy of its resource without a JSON round trip.
                  .withResourceCloner(new RecordResourceCloner(client.getKubernetesSerialization()))
                  // Finalizers by JSON patch: cheaper for the API server than server-side apply.
                  .withUseSSAToPatchPrimaryResource(false)
                  // A generated LoadBalancer carries what its Service gives it, no JOSDK marker.
                  .withPreviousAnnotationForDependentResources(false)
                  .withConcurrentReconciliationThreads(options.reconcileThreads())
                  // JOSDK's default is not to wait at all: a reconcile under way would go on after
                  // close() returned, beside the next operator. What it computes is not written
                  // (WriteGate), but it should be over when close() returns.
                  .withReconciliationTerminationTimeout(RECONCILES_TO_FINISH)
                  .withMetrics(new ReconcileMetrics(registry));
              if (options.leaderElection() != null) {
                overrider.withLeaderElectionConfiguration(
                    leaderElection(
                        options.leaderElection(),
                        takeLead,
                        () -> {
                          if (instance[0] != null) {
                            instance[0].leadershipLost();
                          }
                        }));
              }
            });
    var probeUsers = new HealthProbeUsers();
    operator.register(
        new PoolReconciler(
            ipam,
            pools,
            desiredState,
            fleet,
            options.forwarderSets().namespace(),
            new PoolMetrics(registry),
            recorder,
            writes,
            clock));
    operator.register(
        new LoadBalancerReconciler(
            ipam,
            pools,
            probeUsers,
            desiredState,
            fleet,
            recorder,
            writes,
            clock,
            EndpointSlices.servedVersion(client),
            timer),
        override -> override.withItemStore(WithoutManagedFields.store()));
    operator.register(new HealthProbeReconciler(probeUsers, recorder, writes, clock));
    operator.register(new ForwarderReconciler(fleet, recorder, writes, clock));
    operator.register(new ServiceReconciler(new ServiceClass(options.defaultClass()), recorder));
    operator.register(
        new ForwarderSetReconciler(
            options.forwarderSets().defaultImage(),
            options.forwarderSets().frrImage(),
            recorder,
            writes,
            clock),
        override -> override.settingNamespace(options.forwarderSets().namespace()));
    MetricsServer metrics =
        options.metricsAddress() == null
            ? null
            : MetricsServer.start(options.metricsAddress(), registry, leading::get);
    var gatun =
        new GatunOperator(
            operator, server, metrics, registry, fleet, timer, recorder, leading, writes);
    instance[0] = gatun;
    try {
      if (options.leaderElection() == null) {
        takeLead.run();
      }
      operator.start();
    } catch (RuntimeException e) {
      server.close();
      timer.shutdownNow();
      recorder.close();
      if (metrics != null) {
        metrics.close();
      }
      throw e;
    }
    log.info(
        "Gatun operator started (default class: {}, leader election: {})",
        options.defaultClass(),
        options.leaderElection() == null ? "off" : options.leaderElection().leaseName());
    return gatun;
  }

  /** The BGP Pools that exist now: their routes must be in the first snapshot after a restart. */
  private static Set<String> bgpPools(KubernetesClient client) {
    return client.resources(Pool.class).list().getItems().stream()
        .filter(
            p ->
                p.getSpec() != null
                    && p.getSpec().announcementModeOrDefault() == AnnouncementMode.BGP)
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static LeaderElectionConfiguration leaderElection(
      LeaderElection election, Runnable onStart, Runnable onStop) {
    var builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName())
            .withLeaseDuration(election.leaseDuration())
            .withRenewDeadline(election.renewDeadline())
            .withRetryPeriod(election.retryPeriod())
            .withIdentity(election.identity() == null ? instanceName() : election.identity())
            // The JVM may host more than the operator (tests, the E2E suite): stop, never exit.
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    onStart, onStop, leader -> log.info("Leader is now {}", leader)));
    if (election.leaseNamespace() != null) {
      builder.withLeaseNamespace(election.leaseNamespace());
    }
    return builder.build();
  }

  /**
   * Refuses to start without the CRDs, saying how to install them. A CRD created a moment ago may
   * not be in API discovery yet: that gets a few seconds.
   */
  private static void requireCrds(KubernetesClient client) {
    var kinds =
        List.of(
            Pool.class, LoadBalancer.class, HealthProbe.class, Forwarder.class, ForwarderSet.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (Class<? extends HasMetadata> kind : kinds) {
      while (!client.supports(kind)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the CRD "
                  + HasMetadata.getFullResourceName(kind)
                  + " is not installed: run kubectl create -f crds/"
                  + " (against Kubernetes 1.20, add --validate=false)");
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while looking for the CRDs", e);
        }
      }
    }
  }

  /** The port forwarders dial. */
  public int grpcPort() {
    return server.port();
  }

  /** The port of the metrics endpoint; -1 without one. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** Whether this replica is the active one. */
  public boolean isLeading() {
    return leading.get();
  }

  /** Completes when this replica lost its lease while running, and stopped. */
  public CompletableFuture<Void> lostLeadership() {
    return lostLeadership;
  }

  private void leadershipLost() {
    if (closing.get()) {
      return;
    }
    log.error("Lost the leader lease: stopping, another replica takes over");
    leading.set(false);
    writes.close();
    fleet.closeAll();
    Thread.ofPlatform()
        .name("gatun-stop")
        .start(
            () -> {
              close();
              lostLeadership.complete(null);
            });
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    // What reconciles still running compute from caches JOSDK is emptying reaches no one: no
    // status is written (WriteGate), and the forwarders, which keep forwarding with their last
    // snapshot, are let go before JOSDK stops (a standby turns their redials away).
    leading.set(false);
    writes.close();
    fleet.closeAll();
    operator.stop();
    server.close();
    timer.shutdownNow();
    recorder.close();
    if (metrics != null) {
      metrics.close();
    }
    registry.close();
    log.info("Gatun operator stopped");
  }

  private static String instanceName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
