package io.gatun.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.Pool;
import io.gatun.operator.control.ControlPlaneService;
import io.gatun.operator.control.ControlServer;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.reconciler.EndpointSlices;
import io.gatun.operator.reconciler.LoadBalancerReconciler;
import io.gatun.operator.reconciler.PoolReconciler;
import io.gatun.operator.status.KubernetesEventRecorder;
import io.javaoperatorsdk.operator.Operator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running operator: reconcilers, IPAM and the control-channel server, wired together.
 *
 * <p>{@link Main} runs it from the command line; tests and the end-to-end suite start it in process
 * with {@link #start}. The caller keeps ownership of the client. The CRDs must already be installed
 * ({@code kubectl create -f crds/}).
 */
public final class GatunOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GatunOperator.class);

  private final Operator operator;
  private final ControlServer server;
  private final ForwarderFleet fleet;
  private final ScheduledExecutorService timer;

  private GatunOperator(
      Operator operator,
      ControlServer server,
      ForwarderFleet fleet,
      ScheduledExecutorService timer) {
    this.operator = operator;
    this.server = server;
    this.fleet = fleet;
    this.timer = timer;
  }

  public static GatunOperator start(KubernetesClient client, OperatorOptions options) {
    Clock clock = Clock.systemUTC();
    requireCrds(client);

    // IPAM first: no reconciler may allocate before the existing leases are known.
    var ipam = new Ipam();
    var existing = LeaseRestorer.restore(client, ipam);

    // Seeded from the clock so generations keep growing across restarts (see DesiredState).
    var desiredState = new DesiredState(clock.millis());
    desiredState.holdUntilHeardFrom(new HashSet<>(existing));
    var fleet = new ForwarderFleet();
    desiredState.addListener(fleet::sendLatestToAll);

    var server =
        ControlServer.start(
            options.grpcAddress(),
            options.grpcCredentials(),
            new ControlPlaneService(fleet, desiredState));
    log.info(
        "Control channel listening on {} (port {})",
        options.grpcAddress().getHostString(),
        server.port());

    var timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable ->
                Thread.ofPlatform().daemon().name("gatun-initial-sync").unstarted(runnable));
    timer.schedule(
        () -> {
          var missing = desiredState.releaseHold();
          if (!missing.isEmpty()) {
            log.warn("Sending snapshots without the first reconcile of {}", missing);
          }
        },
        options.initialSyncTimeout().toMillis(),
        TimeUnit.MILLISECONDS);

    var recorder = new KubernetesEventRecorder(client, clock, instanceName());
    var operator =
        new Operator(
            overrider -> overrider.withKubernetesClient(client).withCloseClientOnStop(false));
    operator.register(new PoolReconciler(ipam, recorder, clock));
    operator.register(
        new LoadBalancerReconciler(
            ipam, desiredState, fleet, recorder, clock, EndpointSlices.servedVersion(client)));
    try {
      operator.start();
    } catch (RuntimeException e) {
      server.close();
      timer.shutdownNow();
      throw e;
    }
    log.info(
        "Gatun operator started ({} LoadBalancers known, default class: {})",
        existing.size(),
        options.defaultClass());
    return new GatunOperator(operator, server, fleet, timer);
  }

  private static void requireCrds(KubernetesClient client) {
    for (Class<? extends HasMetadata> kind : List.of(Pool.class, LoadBalancer.class)) {
      if (!client.supports(kind)) {
        throw new IllegalStateException(
            "the CRD "
                + HasMetadata.getFullResourceName(kind)
                + " is not installed: run kubectl create -f crds/"
                + " (against Kubernetes 1.20, add --validate=false)");
      }
    }
  }

  /** The port forwarders dial. */
  public int grpcPort() {
    return server.port();
  }

  @Override
  public void close() {
    operator.stop();
    fleet.closeAll();
    server.close();
    timer.shutdownNow();
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
