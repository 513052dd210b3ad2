package io.gatun.e2e.rig;

import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.TestForwarder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One test class's system: an operator side, a test network with backends and a forwarder process
 * on it dialling the operator. The operator side is what differs: a {@link FakeOperator} sending
 * the exact snapshots a test writes (the agent's own behaviour: health checks, generations,
 * metrics), or a {@link KubeOperator} reconciling real resources. Closing stops the forwarder, the
 * network and the operator side, each even if an earlier one fails to stop.
 */
public final class Rig<O extends AutoCloseable> implements AutoCloseable {
  public final O operator;
  public final TestNetwork network;
  public final TestForwarder forwarder;

  private Rig(O operator, TestNetwork network, TestForwarder forwarder) {
    this.operator = operator;
    this.network = network;
    this.forwarder = forwarder;
  }

  /** A fake operator and three backends. */
  public static Rig<FakeOperator> scripted(Path root, String name) {
    return up(root, name, 3, FakeOperator::new, FakeOperator::target);
  }

  /** A kube-apiserver and the operator, and {@code backends} backends. */
  public static Rig<KubeOperator> cluster(Path root, String name, int backends) {
    return up(root, name, backends, () -> KubeOperator.start(root), KubeOperator::target);
  }

  /** {@code name} prefixes the forwarder's name (its log is e2e/target/forwarder-NAME-ID.log). */
  private static <O extends AutoCloseable> Rig<O> up(
      Path root, String name, int backends, Supplier<O> start, Function<O, String> target) {
    O operator = start.get();
    TestNetwork network = null;
    try {
      network = TestNetwork.up(root, backends);
      return new Rig<>(
          operator,
          network,
          forwarder(
              root,
              name + "-" + network.id,
              target.apply(operator),
              network,
              List.of("--plaintext")));
    } catch (RuntimeException e) {
      closeAll(network, operator);
      throw e;
    }
  }

  /**
   * A forwarder process on the network's forwarder interface (DPDK net_af_packet, no hugepages).
   *
   * @param channel how to reach the operator: {@code --plaintext} or the {@code --tls-*} flags
   */
  private static TestForwarder forwarder(
      Path root, String name, String operator, TestNetwork network, List<String> channel) {
    return TestForwarder.process(
        root,
        TestForwarder.args(
            name,
            operator,
            "net_af_packet0,iface="
                + network.forwarderInterface()
                + "@"
                + TestNetwork.FORWARDER_ADDRESS,
            "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --file-prefix "
                + name
                + " --log-level *:warning",
            channel),
        root.resolve("e2e/target/forwarder-" + name + ".log"));
  }

  @Override
  public void close() throws Exception {
    try {
      forwarder.close();
    } finally {
      closeAll(network, operator);
    }
  }

  private static void closeAll(AutoCloseable network, AutoCloseable operator) {
    try {
      if (network != null) {
        network.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      try {
        operator.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
