package io.gatun.e2e;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A test network with three backends, a scripted operator and a forwarder process dialling it: what
 * the tests of the agent need without Kubernetes. Closing stops them in reverse order.
 */
final class ScriptedRig implements AutoCloseable {
  final TestNetwork network;
  final ScriptedOperator operator;
  final ForwarderProcess forwarder;

  private ScriptedRig(TestNetwork network, ScriptedOperator operator, ForwarderProcess forwarder) {
    this.network = network;
    this.operator = operator;
    this.forwarder = forwarder;
  }

  /** {@code name} prefixes the forwarder's name (its log is e2e/target/forwarder-NAME-ID.log). */
  static ScriptedRig up(Path root, String name) throws IOException {
    TestNetwork network = TestNetwork.up(root, 3);
    ScriptedOperator operator = null;
    try {
      operator = new ScriptedOperator();
      ForwarderProcess forwarder =
          ForwarderProcess.start(
              root, name + "-" + network.id, operator.target(), network.forwarderInterface());
      return new ScriptedRig(network, operator, forwarder);
    } catch (IOException | RuntimeException e) {
      if (operator != null) {
        operator.close();
      }
      network.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      forwarder.close();
    } finally {
      try {
        operator.close();
      } finally {
        network.close();
      }
    }
  }
}
