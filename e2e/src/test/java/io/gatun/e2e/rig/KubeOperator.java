package io.gatun.e2e.rig;

import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * The real operator side: a kube-apiserver with the CRDs and the operator in this JVM, its control
 * channel on a fixed loopback address so that an operator stopped and started again is dialled
 * where the last one was.
 */
public final class KubeOperator implements AutoCloseable {
  public final KubeCluster cluster;
  private final InetSocketAddress grpc;
  private volatile GatunOperator operator;

  private KubeOperator(KubeCluster cluster, InetSocketAddress grpc) {
    this.cluster = cluster;
    this.grpc = grpc;
  }

  public static KubeOperator start(Path root) {
    KubeCluster cluster;
    try {
      cluster = KubeCluster.start(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KubeOperator k = new KubeOperator(cluster, new InetSocketAddress("127.0.0.1", freePort()));
    try {
      k.restart();
      return k;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where forwarders dial it. */
  public String target() {
    return grpc.getHostString() + ":" + grpc.getPort();
  }

  /** The operator dies (the API server stays). */
  public void stop() {
    GatunOperator o = operator;
    operator = null;
    if (o != null) {
      o.close();
    }
  }

  /** A new operator on the same address. */
  public void restart() {
    operator =
        GatunOperator.start(cluster.client, OperatorOptions.defaults().withGrpcAddress(grpc));
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      cluster.close();
    }
  }
}
