package io.gatun.forwarder;

import io.gatun.control.Address;
import io.gatun.forwarder.control.ControlTransport;
import io.gatun.fwd.PortAddress;
import io.gatun.fwd.PortSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

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
               [--node NODE] [--metrics-address HOST:PORT] [--termination-log FILE]
        --port DEVARGS     (without addresses) with --port-address-file: the addresses from FILE
        --port-pci-env VAR a port on the PCI device named by VAR (an SR-IOV device plugin's
                           PCIDEVICE_...), with --port-address-file
        --port-address-file FILE  one ADDRESS/PREFIX[@GATEWAY] per line, one per family
        --termination-log  where to write why the forwarder could not start (Kubernetes:
                           /dev/termination-log, which the pod's status shows)
        --tls-*            PEM files of a mounted Secret: the forwarder's certificate and PKCS#8
                           key, and the CA of the operator's certificate (mutual TLS)
        --plaintext        no TLS on the control channel: only for demos and tests
        --metrics-address  /metrics, /healthz, /readyz (default %s)
        e.g. --eal "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf" \\
             --port "net_af_packet0,iface=eth1@198.18.0.2/24"
      """
          .formatted(DEFAULT_METRICS_ADDRESS);

  public static ForwarderConfig parse(String[] args) {
    return parse(args, System.getenv());
  }

  /**
   * @param env where {@code --port-pci-env} looks
   */
  static ForwarderConfig parse(String[] args, Map<String, String> env) {
    String name = null, node = null, operator = null, eal = null;
    String addressFile = null;
    List<String> bareDevargs = new ArrayList<>();
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
        case "--port" -> {
          String port = value(args, ++i, a);
          if (port.contains("@")) {
            ports.add(port(port));
          } else {
            bareDevargs.add(port);
          }
        }
        case "--port-pci-env" -> bareDevargs.add(pciAddress(value(args, ++i, a), env));
        case "--port-address-file" -> addressFile = value(args, ++i, a);
        case "--termination-log" -> value(args, ++i, a); // read by terminationLog()
        case "--plaintext" -> plaintext = true;
        case "--tls-cert" -> cert = value(args, ++i, a);
        case "--tls-key" -> key = value(args, ++i, a);
        case "--tls-ca" -> ca = value(args, ++i, a);
        case "--tls-server-name" -> serverName = value(args, ++i, a);
        case "--metrics-address" -> metrics = value(args, ++i, a);
        default -> throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
      }
    }
    if (!bareDevargs.isEmpty()) {
      if (addressFile == null) {
        throw new IllegalArgumentException(
            "--port "
                + bareDevargs.getFirst()
                + " has no address: write DEVARGS@ADDRESS/PREFIX or add --port-address-file\n"
                + USAGE);
      }
      String addresses = addressesFrom(Path.of(addressFile));
      for (String devargs : bareDevargs) {
        ports.add(port(devargs + "@" + addresses));
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
        ealArgs(eal, ports),
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

  /** Where {@code --termination-log} says to write why the forwarder could not start. */
  public static Optional<Path> terminationLog(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--termination-log")) {
        return Optional.of(Path.of(args[i + 1]));
      }
    }
    return Optional.empty();
  }

  /**
   * The EAL arguments, with each PCI port allow-listed ({@code -a}): EAL would otherwise probe
   * every device of the node the pod can see.
   */
  private static List<String> ealArgs(String eal, List<PortSpec> ports) {
    List<String> args = new ArrayList<>(Arrays.stream(eal.trim().split("\\s+")).toList());
    for (PortSpec port : ports) {
      if (PCI_ADDRESS.matcher(portName(port)).matches()) {
        args.addAll(List.of("-a", portName(port)));
      }
    }
    return args;
  }

  private static final Pattern PCI_ADDRESS =
      Pattern.compile("^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$");

  /** The first PCI address the device plugin put in {@code variable}. */
  private static String pciAddress(String variable, Map<String, String> env) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          variable
              + " is not set: the pod got no VF from the SR-IOV device plugin (check that the"
              + " ForwarderSet's spec.dataPort.virtualFunction.resourceName is the plugin's"
              + " resource and that the node has a free VF)");
    }
    String first = value.split(",")[0].strip();
    if (!PCI_ADDRESS.matcher(first).matches()) {
      throw new IllegalArgumentException(
          variable + " is \"" + value + "\", not a PCI address such as 0000:3b:02.1");
    }
    return first;
  }

  /** The lines of the node's address file, joined as {@link #port} reads them. */
  private static String addressesFrom(Path file) {
    List<String> lines;
    try {
      lines =
          Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "no data address for this node: "
              + file
              + " does not exist (add the node to the ForwarderSet's spec.dataPort.addresses)");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(
          file + " is empty: write ADDRESS/PREFIX[@GATEWAY], one line per family");
    }
    return String.join("@", lines);
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
