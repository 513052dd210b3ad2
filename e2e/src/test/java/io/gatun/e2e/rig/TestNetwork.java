package io.gatun.e2e.rig;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatun.forwarder.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Client and backend hosts in network namespaces (tools/testnet.sh), with a unique ID so a crashed
 * run never collides with the next, and real traffic from the client (tools/traffic.py).
 */
public final class TestNetwork implements AutoCloseable {
  public static final String FORWARDER_ADDRESS = "198.18.0.2/24";

  /** The root namespace's own address on the test LAN, where the agent's probes come from. */
  public static final String NODE_ADDRESS = "198.18.0.3";

  private final Path tools;
  public final String id;
  private final int backends;

  private TestNetwork(Path tools, String id, int backends) {
    this.tools = tools;
    this.id = id;
    this.backends = backends;
  }

  public static TestNetwork up(Path root, int backends) {
    return up(root, backends, 1);
  }

  /**
   * With {@code ports} forwarder ports on the segment ({@link #forwarderInterface(int)}): a fleet's
   * forwarders.
   */
  public static TestNetwork up(Path root, int backends, int ports) {
    String id =
        "e"
            + HexFormat.of()
                .toHexDigits((short) ThreadLocalRandom.current().nextInt())
                .substring(0, 4);
    TestNetwork net = new TestNetwork(root.resolve("tools"), id, backends);
    // Removed also when the test JVM exits without running @AfterAll (down is idempotent).
    Runtime.getRuntime().addShutdownHook(new Thread(net::close));
    net.run(
        List.of(
            net.tools.resolve("testnet.sh").toString(),
            "up",
            id,
            Integer.toString(backends),
            Integer.toString(ports)));
    return net;
  }

  /** The root-namespace interface the forwarder's af_packet port opens. */
  public String forwarderInterface() {
    return "gt" + id + "f";
  }

  /** Forwarder port {@code n} (1 is {@link #forwarderInterface()}). */
  public String forwarderInterface(int n) {
    return n == 1 ? forwarderInterface() : forwarderInterface() + n;
  }

  /**
   * Runs tools/fleet_probe.py in the client's namespace (whohas, forge, garp); returns its output.
   */
  public String fleetProbe(String... args) {
    return run(fleetProbeCommand(args));
  }

  /** Starts tools/fleet_probe.py (e.g. watch) in the client's namespace; the caller reads it. */
  public Process startFleetProbe(String... args) throws IOException {
    return new ProcessBuilder(fleetProbeCommand(args))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private List<String> fleetProbeCommand(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                "gt" + id + "-client",
                "python3",
                tools.resolve("fleet_probe.py").toString(),
                "--iface",
                "eth0"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  public void killBackend(int n) {
    run(List.of(tools.resolve("testnet.sh").toString(), "kill", id, Integer.toString(n)));
  }

  public void startBackend(int n) {
    run(List.of(tools.resolve("testnet.sh").toString(), "start", id, Integer.toString(n)));
  }

  /** Backend N answers HTTP with 503 (and SCTP INITs with ABORT) until {@link #well}. */
  public void sick(int n) {
    run(List.of(tools.resolve("testnet.sh").toString(), "sick", id, Integer.toString(n)));
  }

  public void well(int n) {
    run(List.of(tools.resolve("testnet.sh").toString(), "well", id, Integer.toString(n)));
  }

  /**
   * Backend N's kernel answers TCP 8080 with ICMP port unreachable (a firewall's REJECT), or stops
   * doing so.
   */
  public void reject(int n, boolean on) {
    testnet(on ? "reject" : "unreject", n);
  }

  /**
   * The forwarder's SYNs to backend N's TCP 8080 get their SYN-ACK a second late (the first SYN of
   * each connection is dropped, the client's retransmission answered); the probes' are answered at
   * once.
   */
  public void slow(int n, boolean on) {
    testnet(on ? "slow" : "fast", n);
  }

  /** Backend N drops everything it receives (a host that stopped), or stops doing so. */
  public void silent(int n, boolean on) {
    testnet(on ? "silent" : "unsilent", n);
  }

  private void testnet(String command, int n) {
    run(List.of(tools.resolve("testnet.sh").toString(), command, id, Integer.toString(n)));
  }

  /** What every backend answers with: "backend-1", ... */
  public List<String> backendNames() {
    return java.util.stream.IntStream.rangeClosed(1, backends)
        .mapToObj(n -> "backend-" + n)
        .toList();
  }

  /**
   * Waits until backend N accepts TCP connections on {@code port} (from this namespace, as the
   * agent's probes do): a server just started may not listen yet, and a connection through the VIP
   * would then be refused by the backend itself.
   */
  public void awaitListening(int n, int port, Duration within) {
    Await.until(
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(backend(n), port), 1000);
            return true;
          } catch (IOException notYet) {
            return false;
          }
        },
        within,
        () -> "backend-" + n + " does not listen on " + port);
  }

  /** Backend N's address. */
  public static String backend(int n) {
    return "198.18.0." + (10 + n);
  }

  /** The CA that signed every backend's HTTPS certificate (for backend.gatun.test). */
  public Path backendCa() {
    return Path.of("/run/gatun-testnet", id, "tls", "ca.crt");
  }

  /** Runs tools/traffic.py in the client namespace with these arguments (after --vip). */
  public Traffic traffic(String vip, List<String> args) {
    List<String> cmd = new ArrayList<>(trafficCommand(vip));
    cmd.addAll(args);
    try {
      return new ObjectMapper().readValue(run(cmd), Traffic.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable traffic result", e);
    }
  }

  /** {@code requests} TCP requests (a connection each) and as many UDP requests to the VIP. */
  public Traffic traffic(String vip, int requests) {
    return traffic(vip, requests, 0);
  }

  /** Rounds of traffic for {@code seconds}, with a timeline of which backend answered when. */
  public Traffic traffic(String vip, int requests, double seconds) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--tcp-port", "80", "--udp-port", "53", "--requests", Integer.toString(requests)));
    if (seconds > 0) {
      args.addAll(List.of("--duration", Double.toString(seconds)));
    }
    return traffic(vip, args);
  }

  /**
   * One request a round from the client to the VIP until stopped, watched as it goes; {@code args}
   * as for {@link #traffic(String, List)} (protocols, timeout, rate).
   */
  public LiveTraffic liveTraffic(String vip, List<String> args) {
    return LiveTraffic.start(trafficCommand(vip), args);
  }

  /** tools/traffic.py in the client's namespace, up to its --vip. */
  private List<String> trafficCommand(String vip) {
    return List.of(
        "ip",
        "netns",
        "exec",
        "gt" + id + "-client",
        "python3",
        tools.resolve("traffic.py").toString(),
        "--vip",
        vip);
  }

  /**
   * What a fleet's NAT and DSR modes need (tools/testnet-fleet.sh): the client's second address
   * {@code natClient}, routed back from every backend through {@code gateway} (the address the
   * fleet owns like a VIP), and {@code dsrVips} on every backend's loopback.
   */
  public void fleetModes(String gateway, String natClient, List<String> dsrVips) {
    List<String> cmd =
        new ArrayList<>(
            List.of(tools.resolve("testnet-fleet.sh").toString(), id, gateway, natClient));
    cmd.addAll(dsrVips);
    run(cmd);
  }

  /**
   * Blocks (or lets through again) the fleet's advertisements (EtherType 0x88B5) between forwarder
   * ports {@code a} and {@code b}, both ways, on the bridge: a partition the clients do not see.
   */
  public void partition(int a, int b, boolean on) {
    String lan = "gt" + id + "-lan";
    for (int[] pair : new int[][] {{a, b}, {b, a}}) {
      run(
          List.of(
              "ip",
              "netns",
              "exec",
              lan,
              "ebtables",
              on ? "-A" : "-D",
              "FORWARD",
              "-i",
              bridgePort(pair[0]),
              "-o",
              bridgePort(pair[1]),
              "-p",
              "0x88b5",
              "-j",
              "DROP"));
    }
  }

  /** The bridge's side of forwarder port {@code n} (testnet.sh names them fwd, fwd2, ...). */
  private static String bridgePort(int n) {
    return n == 1 ? "fwd" : "fwd" + n;
  }

  /**
   * Long-lived TCP connections from the client (tools/longlived.py) to each {@code host:port}
   * target, {@code perTarget} each, from {@code source} (null: the client's first address).
   */
  public LongLived longLived(List<String> targets, String source, int perTarget) {
    return longLived(targets, source, perTarget, false);
  }

  /**
   * The same; with {@code push} the backends send (a line every 50 ms) and the client only reads.
   */
  public LongLived longLived(List<String> targets, String source, int perTarget, boolean push) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                "gt" + id + "-client",
                "python3",
                tools.resolve("longlived.py").toString(),
                "--connections",
                Integer.toString(perTarget)));
    for (String t : targets) {
      cmd.addAll(List.of("--target", t));
    }
    if (source != null) {
      cmd.addAll(List.of("--source", source));
    }
    if (push) {
      cmd.add("--push");
    }
    return LongLived.start(cmd);
  }

  /**
   * Starts tools/drain_peer.py (mode first, then its options) in test host {@code host} ("client",
   * "b1", ...); the caller reads its output and ends it.
   */
  public Process startDrainPeer(String host, String... args) throws IOException {
    return new ProcessBuilder(drainPeerCommand(host, args))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Runs tools/drain_peer.py in test host {@code host} to the end; returns its output. */
  public String drainPeer(String host, String... args) {
    return run(drainPeerCommand(host, args));
  }

  private List<String> drainPeerCommand(String host, String... args) {
    var cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                "gt" + id + "-" + host,
                "python3",
                tools.resolve("drain_peer.py").toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  @Override
  public void close() {
    run(List.of(tools.resolve("testnet.sh").toString(), "down", id));
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
      String out = new String(p.getInputStream().readAllBytes());
      String err = new String(p.getErrorStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + err + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
