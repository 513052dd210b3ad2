package io.gatun.forwarder;

import io.gatun.control.Address;
import io.gatun.fwd.PortAddress;
import io.gatun.fwd.PortSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a forwarder is told at start-up: who it is, where the operator is and how to reach it
 * safely, which DPDK ports it drives, and where it serves its metrics. Everything else comes from
 * the operator's snapshots.
 *
 * @param name unique forwarder identity (in cluster: the pod or node name)
 * @param node the Kubernetes node it runs on
 * @param operator host:port of the operator's control channel
 * @param tls mutual TLS files; empty only when {@code --plaintext} was asked for
 * @param ealArgs DPDK EAL arguments
 * @param ports DPDK ports with the forwarder's address on each
 * @param metricsAddress where {@code /metrics}, {@code /healthz} and {@code /readyz} are served
 * @param reconnectMax the longest wait between reconnection attempts
 */
public record ForwarderConfig(
    String name,
    String node,
    String operator,
    Optional<ControlTransport.Tls> tls,
    List<String> ealArgs,
    List<PortSpec> ports,
    InetSocketAddress metricsAddress,
    Duration reconnectMax) {

  static final String DEFAULT_METRICS_ADDRESS = "0.0.0.0:9101";

  static final String USAGE =
      """
      usage: gatun-forwarder --name NAME --operator HOST:PORT \\
               (--tls-cert FILE --tls-key FILE --tls-ca FILE [--tls-server-name NAME] | --plaintext) \\
               --eal "EAL ARGS" --port DEVARGS@ADDRESS/PREFIX[@GATEWAY] [--port ...] \\
               [--node NODE] [--metrics-address HOST:PORT]
        --tls-*            PEM files of a mounted Secret: the forwarder's certificate and PKCS#8
                           key, and the CA of the operator's certificate (mutual TLS)
        --plaintext        no TLS on the control channel: only for demos and tests
        --metrics-address  /metrics, /healthz, /readyz (default %s)
        e.g. --eal "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf" \\
             --port "net_af_packet0,iface=eth1@198.18.0.2/24"
      """
          .formatted(DEFAULT_METRICS_ADDRESS);

  public static ForwarderConfig parse(String[] args) {
    String name = null, node = null, operator = null, eal = null;
    String cert = null, key = null, ca = null, serverName = null;
    String metrics = DEFAULT_METRICS_ADDRESS;
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
        case "--tls-cert" -> cert = value(args, ++i, a);
        case "--tls-key" -> key = value(args, ++i, a);
        case "--tls-ca" -> ca = value(args, ++i, a);
        case "--tls-server-name" -> serverName = value(args, ++i, a);
        case "--metrics-address" -> metrics = value(args, ++i, a);
        default -> throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
      }
    }
    if (name == null || operator == null || eal == null || ports.isEmpty()) {
      throw new IllegalArgumentException(
          "--name, --operator, --eal and at least one --port are required\n" + USAGE);
    }
    boolean anyTls = cert != null || key != null || ca != null || serverName != null;
    if (plaintext == anyTls) {
      throw new IllegalArgumentException(
          "the control channel needs either --tls-cert, --tls-key and --tls-ca, or --plaintext\n"
              + USAGE);
    }
    if (anyTls && (cert == null || key == null || ca == null)) {
      throw new IllegalArgumentException(
          "mutual TLS needs all of --tls-cert, --tls-key and --tls-ca\n" + USAGE);
    }
    Optional<ControlTransport.Tls> tls =
        anyTls
            ? Optional.of(
                new ControlTransport.Tls(
                    Path.of(cert), Path.of(key), Path.of(ca), Optional.ofNullable(serverName)))
            : Optional.empty();
    return new ForwarderConfig(
        name,
        node == null ? name : node,
        operator,
        tls,
        Arrays.stream(eal.trim().split("\\s+")).toList(),
        ports,
        hostPort(metrics, "--metrics-address"),
        Duration.ofSeconds(5));
  }

  /**
   * {@code devargs@198.18.0.2/24}, with an optional gateway after each address ({@code
   * devargs@198.18.0.2/24@198.18.0.1}) and at most one address per family ({@code
   * devargs@198.18.0.2/24@2001:2::2/64}).
   */
  static PortSpec port(String text) {
    String[] parts = text.split("@");
    if (parts.length < 2) {
      throw new IllegalArgumentException(
          "--port wants DEVARGS@ADDRESS/PREFIX[@GATEWAY][@ADDRESS/PREFIX[@GATEWAY]], got " + text);
    }
    List<PortAddress> addresses = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].contains("/")) {
        addresses.add(portAddress(parts[i]));
      } else if (!addresses.isEmpty() && addresses.getLast().gateway().isEmpty()) {
        PortAddress last = addresses.removeLast();
        addresses.add(
            new PortAddress(last.address(), last.prefixLength(), Optional.of(literal(parts[i]))));
      } else {
        throw new IllegalArgumentException(
            "--port: "
                + parts[i]
                + " is neither ADDRESS/PREFIX nor the gateway of one, in "
                + text);
      }
    }
    return new PortSpec(parts[0], addresses);
  }

  /** {@code 198.18.0.2/24} or {@code 2001:2::2/64}. */
  private static PortAddress portAddress(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("expected address/prefix, got " + cidr);
    }
    return new PortAddress(
        literal(cidr.substring(0, slash)),
        Integer.parseInt(cidr.substring(slash + 1)),
        Optional.empty());
  }

  /** An address literal, read as the control channel reads them: never a lookup. */
  private static InetAddress literal(String text) {
    return Address.parse(text.strip()).toInetAddress();
  }

  /** {@code 0.0.0.0:9101}, {@code [::]:9101}: address literals only, never a lookup. */
  static InetSocketAddress hostPort(String text, String flag) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(flag + " wants ADDRESS:PORT, got " + text);
    }
    String host = text.substring(0, colon).replaceAll("^\\[|\\]$", "");
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return new InetSocketAddress(literal(host), port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " wants ADDRESS:PORT, got " + text, e);
    }
  }

  /** The short name of a port for reports and labels: its DPDK device name. */
  static String portName(PortSpec port) {
    return port.devargs().split(",")[0];
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
