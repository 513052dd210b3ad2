package io.gatun.operator;

import io.gatun.operator.control.ControlChannelSecurity;
import io.gatun.operator.forwarderset.ForwarderSetOptions;
import io.grpc.ServerCredentials;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How to run the operator.
 *
 * @param grpcAddress where forwarders dial in (port 0: any free port, see {@link
 *     GatunOperator#grpcPort()})
 * @param defaultClass whether Services of type LoadBalancer without a loadBalancerClass are ours
 * @param security transport security of the control channel (mutual TLS, or plaintext when asked
 *     for or on loopback)
 * @param initialSyncTimeout how long, after taking over, snapshots are held back waiting for every
 *     known LoadBalancer's first reconcile
 * @param leaderElection null: this replica is always active (a single replica, tests)
 * @param reconcileThreads how many reconciles run at once (they mostly wait on the API server)
 * @param metricsAddress where Prometheus scrapes {@code /metrics} (and probes {@code /healthz},
 *     {@code /readyz}); null: no HTTP endpoint
 * @param forwarderSets where ForwarderSets are served and their default image
 */
public record OperatorOptions(
    InetSocketAddress grpcAddress,
    boolean defaultClass,
    ControlChannelSecurity security,
    Duration initialSyncTimeout,
    LeaderElection leaderElection,
    int reconcileThreads,
    InetSocketAddress metricsAddress,
    ForwarderSetOptions forwarderSets) {

  public static final int DEFAULT_GRPC_PORT = 9100;

  public static OperatorOptions defaults() {
    return new OperatorOptions(
        new InetSocketAddress("0.0.0.0", DEFAULT_GRPC_PORT),
        false,
        new ControlChannelSecurity.LoopbackOnly(),
        Duration.ofSeconds(30),
        null,
        32,
        null,
        ForwarderSetOptions.fromEnvironment());
  }

  public OperatorOptions withGrpcAddress(InetSocketAddress address) {
    return new OperatorOptions(
        address,
        defaultClass,
        security,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads,
        metricsAddress,
        forwarderSets);
  }

  public OperatorOptions withDefaultClass(boolean value) {
    return new OperatorOptions(
        grpcAddress,
        value,
        security,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads,
        metricsAddress,
        forwarderSets);
  }

  public OperatorOptions withGrpcCredentials(ServerCredentials credentials) {
    return withSecurity(new ControlChannelSecurity.Given(credentials));
  }

  public OperatorOptions withSecurity(ControlChannelSecurity security) {
    return new OperatorOptions(
        grpcAddress,
        defaultClass,
        security,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads,
        metricsAddress,
        forwarderSets);
  }

  public OperatorOptions withLeaderElection(LeaderElection election) {
    return new OperatorOptions(
        grpcAddress,
        defaultClass,
        security,
        initialSyncTimeout,
        election,
        reconcileThreads,
        metricsAddress,
        forwarderSets);
  }

  public OperatorOptions withReconcileThreads(int threads) {
    return new OperatorOptions(
        grpcAddress,
        defaultClass,
        security,
        initialSyncTimeout,
        leaderElection,
        threads,
        metricsAddress,
        forwarderSets);
  }

  public OperatorOptions withMetricsAddress(InetSocketAddress address) {
    return new OperatorOptions(
        grpcAddress,
        defaultClass,
        security,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads,
        address,
        forwarderSets);
  }

  public OperatorOptions withForwarderSets(ForwarderSetOptions value) {
    return new OperatorOptions(
        grpcAddress,
        defaultClass,
        security,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads,
        metricsAddress,
        value);
  }

  /** Parses {@code host:port}, {@code [v6-literal]:port} or {@code :port} (all interfaces). */
  public static InetSocketAddress parseAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, got \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in \"" + text + "\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in \"" + text + "\"");
    }
    return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port);
  }
}
