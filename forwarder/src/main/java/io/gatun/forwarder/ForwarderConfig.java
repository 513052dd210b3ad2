package io.gatun.forwarder;

import io.gatun.fwd.Addresses;
import io.gatun.fwd.PortSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a forwarder is told at start-up: who it is, where the operator is, and which DPDK ports it
 * drives. Everything else comes from the operator's snapshots.
 *
 * @param name unique forwarder identity (in cluster: the pod or node name)
 * @param node the Kubernetes node it runs on
 * @param operator host:port of the operator's control channel
 * @param plaintext no TLS on the control channel; only when asked for (demo, tests)
 * @param ealArgs DPDK EAL arguments
 * @param ports DPDK ports with the forwarder's address on each
 * @param reconnectMax the longest wait between reconnection attempts
 */
public record ForwarderConfig(
    String name,
    String node,
    String operator,
    boolean plaintext,
    List<String> ealArgs,
    List<PortSpec> ports,
    Duration reconnectMax) {

  static final String USAGE =
      """
      usage: gatun-forwarder --name NAME --operator HOST:PORT --plaintext \\
               --eal "EAL ARGS" --port DEVARGS@ADDRESS/PREFIX[@GATEWAY] [--port ...] [--node NODE]
        e.g. --eal "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf" \\
             --port "net_af_packet0,iface=eth1@198.18.0.2/24"
      """;

  public static ForwarderConfig parse(String[] args) {
    String name = null, node = null, operator = null, eal = null;
    boolean plaintext = false;
    List<PortSpec> ports = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--name" -> name = value(args, ++i, a);
        case "--node" -> node = value(args, ++i, a);
        case "--operator" -> operator = value(args, ++i, a);
        case "--eal" -> eal = value(args, ++i, a);
        case "--port" -> ports.add(port(value(args, ++i, a)));
        case "--plaintext" -> plaintext = true;
        default -> throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
      }
    }
    if (name == null || operator == null || eal == null || ports.isEmpty()) {
      throw new IllegalArgumentException(
          "--name, --operator, --eal and at least one --port are required\n" + USAGE);
    }
    if (!plaintext) {
      throw new IllegalArgumentException(
          "the control channel needs --plaintext for now (mutual TLS comes with the agent issue)\n"
              + USAGE);
    }
    return new ForwarderConfig(
        name,
        node == null ? name : node,
        operator,
        plaintext,
        Arrays.stream(eal.trim().split("\\s+")).toList(),
        ports,
        Duration.ofSeconds(5));
  }

  /** {@code devargs@198.18.0.2/24} or {@code devargs@198.18.0.2/24@198.18.0.1}. */
  static PortSpec port(String text) {
    String[] parts = text.split("@");
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "--port wants DEVARGS@ADDRESS/PREFIX[@GATEWAY], got " + text);
    }
    PortSpec base = PortSpec.of(parts[0], parts[1]);
    return parts.length == 2
        ? base
        : new PortSpec(
            base.devargs(),
            base.address(),
            base.prefixLength(),
            Optional.of(Addresses.parse(parts[2])));
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
