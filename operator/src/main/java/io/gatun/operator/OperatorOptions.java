package io.gatun.operator;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How to run the operator.
 *
 * @param grpcAddress where forwarders dial in (port 0: any free port, see {@link
 *     GatunOperator#grpcPort()})
 * @param defaultClass whether Services of type LoadBalancer without a loadBalancerClass are ours
 * @param grpcCredentials transport security of the control channel
 * @param initialSyncTimeout how long, after taking over, snapshots are held back waiting for every
 *     known LoadBalancer's first reconcile
 * @param leaderElection null: this replica is always active (a single replica, tests)
 * @param reconcileThreads how many reconciles run at once (they mostly wait on the API server)
 */
public record OperatorOptions(
    InetSocketAddress grpcAddress,
    boolean defaultClass,
    ServerCredentials grpcCredentials,
    Duration initialSyncTimeout,
    LeaderElection leaderElection,
    int reconcileThreads) {

  public static final int DEFAULT_GRPC_PORT = 9100;

  public static OperatorOptions defaults() {
    return new OperatorOptions(
        new InetSocketAddress("0.0.0.0", DEFAULT_GRPC_PORT),
        false,
        InsecureServerCredentials.create(),
        Duration.ofSeconds(30),
        null,
        32);
  }

  public OperatorOptions withGrpcAddress(InetSocketAddress address) {
    return new OperatorOptions(
        address,
        defaultClass,
        grpcCredentials,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads);
  }

  public OperatorOptions withDefaultClass(boolean value) {
    return new OperatorOptions(
        grpcAddress, value, grpcCredentials, initialSyncTimeout, leaderElection, reconcileThreads);
  }

  public OperatorOptions withGrpcCredentials(ServerCredentials credentials) {
    return new OperatorOptions(
        grpcAddress,
        defaultClass,
        credentials,
        initialSyncTimeout,
        leaderElection,
        reconcileThreads);
  }

  public OperatorOptions withLeaderElection(LeaderElection election) {
    return new OperatorOptions(
        grpcAddress, defaultClass, grpcCredentials, initialSyncTimeout, election, reconcileThreads);
  }

  public OperatorOptions withReconcileThreads(int threads) {
    return new OperatorOptions(
        grpcAddress, defaultClass, grpcCredentials, initialSyncTimeout, leaderElection, threads);
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
