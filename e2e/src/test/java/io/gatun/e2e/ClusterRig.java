package io.gatun.e2e;

import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The whole system for one test class: a real kube-apiserver with the CRDs, the operator in this
 * JVM, a test network with three backends and a forwarder process dialling the operator. Closing
 * stops them in reverse order, each even if an earlier one fails to stop.
 */
final class ClusterRig implements AutoCloseable {
  final KubeCluster cluster;
  final GatunOperator operator;
  final TestNetwork network;
  final ForwarderProcess forwarder;

  private ClusterRig(
      KubeCluster cluster,
      GatunOperator operator,
      TestNetwork network,
      ForwarderProcess forwarder) {
    this.cluster = cluster;
    this.operator = operator;
    this.network = network;
    this.forwarder = forwarder;
  }

  /** {@code name} prefixes the forwarder's name (its log is e2e/target/forwarder-NAME-ID.log). */
  static ClusterRig up(Path root, String name) throws IOException {
    KubeCluster cluster = KubeCluster.start(root);
    GatunOperator operator = null;
    TestNetwork network = null;
    try {
      operator =
          GatunOperator.start(
              cluster.client,
              OperatorOptions.defaults().withGrpcAddress(new InetSocketAddress("127.0.0.1", 0)));
      network = TestNetwork.up(root, 3);
      ForwarderProcess forwarder =
          ForwarderProcess.start(
              root,
              name + "-" + network.id,
              "127.0.0.1:" + operator.grpcPort(),
              network.forwarderInterface());
      return new ClusterRig(cluster, operator, network, forwarder);
    } catch (IOException | RuntimeException e) {
      if (network != null) {
        network.close();
      }
      if (operator != null) {
        operator.close();
      }
      cluster.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      forwarder.close();
    } finally {
      try {
        network.close();
      } finally {
        try {
          operator.close();
        } finally {
          cluster.close();
        }
      }
    }
  }
}
