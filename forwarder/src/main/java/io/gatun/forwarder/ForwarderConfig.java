package io.gatun.forwarder;

import io.gatun.control.Address;
import io.gatun.forwarder.bgp.BgpSettings;
import io.gatun.forwarder.control.ControlTransport;
import io.gatun.forwarder.fleet.FleetKey;
import io.gatun.forwarder.fleet.FleetSettings;
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
 * @param fleet how it shares its VIPs with the other forwarders of the cluster; empty: it answers
 *     for every VIP it serves
 * @param garpCount gratuitous ARPs / unsolicited NAs sent for a VIP it starts answering for
 * @param garpInterval between them
 * @param idleSleepMicros the data plane's idle back-off (0: busy-poll, production)
 * @param bgp how it runs FRR for BGP announcement; empty: no BGP (no kernel interfaces either)
 */
public record ForwarderConfig(
    String name,
    String node,
    String operator,
    Optional<ControlTransport.Tls> tls,
    List<String> ealArgs,
    List<PortSpec> ports,
    InetSocketAddress metricsAddress,
    Duration reconnectMax,
    Optional<FleetSettings> fleet,
    int garpCount,
    Duration garpInterval,
    int idleSleepMicros,
    Optional<BgpSettings> bgp) {

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
        --fleet-key-file FILE  with --cluster-id: share VIPs with the cluster's other forwarders
                           on the segment (each VIP answered by one); FILE holds the HMAC key
                           (16+ bytes, a mounted Secret). Without it: answer for every VIP.
        --cluster-id ID    the fleet's identity, the same on every forwarder of the cluster
        --fleet-interval-ms N  advertisement interval (default 100)
        --fleet-multiplier N   advertisements missed before a peer counts as gone (default 3)
        --fleet-gateway ADDRESS  an address owned like a VIP (the gateway NAT-mode backends
                           route replies through); repeatable
        --drain-grace-ms N on SIGTERM, forward this long after handing VIPs over (default 3000)
        --garp-count N     gratuitous ARPs / NAs on taking a VIP (default 3)
        --garp-interval-ms N  between them (default 100)
        --idle-sleep-us N  idle workers sleep up to N us (default 0: busy-poll; for shared cores)
        --bgp-frr-dir DIR  BGP mode: the directory shared with this forwarder's own FRR (zebra,
                           bfdd, bgpd run by tools/frr/gatun-frr; in a pod its frr container);
                           each data port gets a kernel interface (net_tap) for its sessions
        --bgp-frr-run FILE the gatun-frr entrypoint to run as this agent's child on DIR (tests,
                           demos; default: FRR runs beside the agent on its own)
        --bgp-interface-prefix P  the kernel interfaces' names: P0, P1, ... (default gk)
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
    String fleetKeyFile = null, clusterId = null;
    long fleetInterval = FleetSettings.DEFAULT_INTERVAL.toMillis();
    long multiplier = FleetSettings.DEFAULT_MULTIPLIER;
    long garpCount = FleetSettings.DEFAULT_GARP_COUNT;
    long garpInterval = FleetSettings.DEFAULT_GARP_INTERVAL.toMillis();
    long drainGrace = FleetSettings.DEFAULT_DRAIN_GRACE.toMillis();
    long idleSleep = 0;
    String frrDir = null, frrRun = null;
    String kernelPrefix = BgpSettings.DEFAULT_INTERFACE_PREFIX;
    List<InetAddress> gateways = new ArrayList<>();
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
        case "--fleet-key-file" -> fleetKeyFile = value(args, ++i, a);
        case "--cluster-id" -> clusterId = value(args, ++i, a);
        case "--fleet-interval-ms" -> fleetInterval = number(args, ++i, a);
        case "--fleet-multiplier" -> multiplier = number(args, ++i, a);
        case "--fleet-gateway" -> gateways.add(address(value(args, ++i, a), a));
        case "--drain-grace-ms" -> drainGrace = number(args, ++i, a);
        case "--garp-count" -> garpCount = number(args, ++i, a);
        case "--garp-interval-ms" -> garpInterval = number(args, ++i, a);
        case "--idle-sleep-us" -> idleSleep = number(args, ++i, a);
        case "--bgp-frr-dir" -> frrDir = value(args, ++i, a);
        case "--bgp-frr-run" -> frrRun = value(args, ++i, a);
        case "--bgp-interface-prefix" -> kernelPrefix = value(args, ++i, a);
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
    if ((fleetKeyFile == null) != (clusterId == null)) {
      throw new IllegalArgumentException(
          "a fleet needs both --fleet-key-file and --cluster-id (or neither, for a forwarder that"
              + " answers for every VIP)\n"
              + USAGE);
    }
    if (fleetKeyFile == null && !gateways.isEmpty()) {
      throw new IllegalArgumentException(
          "--fleet-gateway needs a fleet (--fleet-key-file and --cluster-id): a lone forwarder's"
              + " backends route through its port address\n"
              + USAGE);
    }
    FleetSettings.requireIn("--idle-sleep-us", idleSleep, 0, 100_000);
    FleetSettings.requireIn("--fleet-multiplier", multiplier, 2, 255);
    FleetSettings.requireIn("--fleet-interval-ms", fleetInterval, 10, 10_000);
    FleetSettings.requireIn("--garp-count", garpCount, 1, 100);
    FleetSettings.requireIn("--garp-interval-ms", garpInterval, 1, 10_000);
    FleetSettings.requireIn("--drain-grace-ms", drainGrace, 0, 600_000);
    Optional<FleetSettings> fleet =
        fleetKeyFile == null
            ? Optional.empty()
            : Optional.of(
                new FleetSettings(
                    FleetKey.read(clusterId, Path.of(fleetKeyFile)),
                    Duration.ofMillis(fleetInterval),
                    (int) multiplier,
                    (int) garpCount,
                    Duration.ofMillis(garpInterval),
                    Duration.ofMillis(drainGrace),
                    gateways));
    if (frrRun != null && frrDir == null) {
      throw new IllegalArgumentException(
          "--bgp-frr-run needs --bgp-frr-dir: the directory the entrypoint runs FRR in");
    }
    return new ForwarderConfig(
        name,
        node == null ? name : node,
        operator,
        tls,
        ealArgs(eal, ports),
        ports,
        hostPort(metrics, "--metrics-address"),
        Duration.ofSeconds(5),
        fleet,
        (int) garpCount,
        Duration.ofMillis(garpInterval),
        (int) idleSleep,
        frrDir == null
            ? Optional.empty()
            : Optional.of(
                new BgpSettings(
                    Path.of(frrDir), Optional.ofNullable(frrRun).map(Path::of), kernelPrefix)));
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

  private static long number(String[] args, int i, String flag) {
    String text = value(args, i, flag);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " wants a whole number, got \"" + text + "\"");
    }
  }

  private static InetAddress address(String text, String flag) {
    try {
      return literal(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          flag + " wants an IPv4 or IPv6 address, got \"" + text + "\"", e);
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
