package io.gatun.e2e.rig;

import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The BGP test network (tools/testnet-bgp.sh): a router running FRR between a client and a LAN of
 * forwarders (each in a namespace of its own, with its kernel interface and its FRR) and backends.
 * For BgpE2E and the withdrawal benchmark.
 */
public final class BgpNetwork implements AutoCloseable {
  public static final String ROUTER = "198.18.1.1";
  public static final String ROUTER6 = "2001:2:1::1";

  public final String id;
  private final Path tools;
  private final Path root;

  private BgpNetwork(Path root, String id) {
    this.root = root;
    this.tools = root.resolve("tools");
    this.id = id;
  }

  public static BgpNetwork up(Path root, int forwarders) {
    String id = "b" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    BgpNetwork n = new BgpNetwork(root, id);
    n.script("up", id, Integer.toString(forwarders));
    return n;
  }

  /**
   * The network without forwarder namespaces, with a port on the LAN in the root namespace ({@link
   * #nodePort()}) for a forwarder pod on the host network: a node's forwarder is forwarder 1
   * ({@link #address(int)} 1).
   */
  public static BgpNetwork upForNode(Path root) {
    String id = "b" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    BgpNetwork n = new BgpNetwork(root, id);
    n.script("up", id, "0", "node");
    return n;
  }

  /** The root namespace's port on the LAN ({@link #upForNode}). */
  public String nodePort() {
    return "gb" + id + "f";
  }

  /** Forwarder {@code n}'s (1-based) data-port addresses. */
  public static String address(int n) {
    return "198.18.1." + (1 + n);
  }

  public static String address6(int n) {
    return "2001:2:1::" + (1 + n);
  }

  public static String backend(int n) {
    return "198.18.1." + (10 + n);
  }

  public static String backend6(int n) {
    return "2001:2:1::" + (10 + n);
  }

  /** Where forwarder {@code n}'s operator listens (the root end of its management link). */
  public static String operatorHost(int n) {
    return "198.18.3." + (4 * n - 3);
  }

  /** Forwarder {@code n}'s management address (its metrics). */
  public static String managementAddress(int n) {
    return "198.18.3." + (4 * n - 2);
  }

  public String namespace(String host) {
    return "gb" + id + "-" + host;
  }

  /**
   * Forwarder {@code n}'s agent in its namespace, its own FRR (tools/frr/gatun-frr) under
   * e2e/target.
   */
  public TestForwarder startForwarder(int n, String operatorTarget, String... extra) {
    String name = "bgp" + n + "-" + id;
    List<String> args =
        new ArrayList<>(
            List.of(
                "--name",
                name,
                "--operator",
                operatorTarget,
                "--plaintext",
                "--eal",
                "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --file-prefix "
                    + name
                    + " --log-level *:warning",
                "--port",
                "net_af_packet0,iface=port@" + address(n) + "/24@" + address6(n) + "/64",
                "--metrics-address",
                managementAddress(n) + ":9101",
                "--idle-sleep-us",
                "1000",
                "--bgp-frr-dir",
                root.resolve("e2e/target/frr-" + name).toString(),
                // The FRR image's own entrypoint, as this agent's child: the rig runs what a
                // forwarder pod's frr container runs.
                "--bgp-frr-run",
                root.resolve("tools/frr/gatun-frr").toString()));
    args.addAll(List.of(extra));
    // At nice -10, like the router's FRR (testnet-bgp.sh): BFD at 100 ms x 3 leaves 300 ms
    // between packets, which a machine shared with other builds (load 20 on two cores) otherwise
    // overruns on both sides (the router's own bfdd fell silent for 950 ms), and the sessions
    // flap. The agent's FRR inherits it.
    return TestForwarder.process(
        List.of("ip", "netns", "exec", namespace("f" + n), "nice", "-n", "-10"),
        root,
        args,
        root.resolve("e2e/target/forwarder-" + name + ".log"));
  }

  /** Forwarder {@code n}'s /metrics, over its management link. */
  public Scrape scrape(int n) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return new Scrape(
          http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + managementAddress(n) + ":9101/metrics"))
                      .timeout(java.time.Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The router's vtysh with one command. */
  public String vtysh(String command) {
    return script("vtysh", id, "-c", command);
  }

  /** Whether the router's BFD session with {@code peer} is up. */
  public boolean bfdUp(String peer) {
    return bfdUpFor(peer, java.time.Duration.ZERO);
  }

  /**
   * Whether the router's BFD session with {@code peer} has been up for {@code at least}: a session
   * comes up at the slow rate (1 s) and only then agrees the fast one in a poll sequence, so a kill
   * right after "up" is detected in about 3 s, not 300 ms.
   */
  public boolean bfdUpFor(String peer, java.time.Duration atLeast) {
    String out = vtysh("show bfd peer " + peer + " json").replace(" ", "");
    java.util.regex.Matcher uptime =
        java.util.regex.Pattern.compile("\"uptime\":([0-9]+)").matcher(out);
    return out.contains("\"status\":\"up\"")
        && uptime.find()
        && Long.parseLong(uptime.group(1)) >= atLeast.toSeconds();
  }

  /** Applies an FRR configuration on the router (vtysh -f). */
  public void configureRouter(String config) {
    try {
      Path f = Files.createTempFile("router-frr", ".conf");
      Files.writeString(f, config);
      f.toFile().setReadable(true, false);
      script("vtysh", id, "-f", f.toString());
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command in test host {@code host} ("r", "client", "b1", ...); its output. */
  public String in(String host, String... cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    all.addAll(List.of(cmd));
    return run(all);
  }

  /**
   * Starts a command in test host {@code host} ("lan", "b1", ...) in the background, its output to
   * {@code out}; the caller ends it.
   */
  public Process startIn(String host, Path out, String... cmd) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    all.addAll(List.of(cmd));
    return new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(out.toFile()).start();
  }

  /**
   * The established TCP connections to {@code port} on backend {@code n} (1-based), by the peer
   * address they come from (a full-NAT forwarder's SNAT address, or a DSR client's own).
   */
  public java.util.Map<String, Integer> backendPeers(int n, int port) {
    java.util.Map<String, Integer> peers = new java.util.TreeMap<>();
    String out = in("b" + n, "ss", "-Htn", "state", "established", "( sport = :" + port + " )");
    for (String line : out.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4) {
        String peer = f[f.length - 1];
        peers.merge(peer.substring(0, peer.lastIndexOf(':')), 1, Integer::sum);
      }
    }
    return peers;
  }

  /** The router kernel's next hops for {@code prefix} ("ip route show"), sorted. */
  public List<String> routerNextHops(String prefix) {
    boolean v6 = prefix.contains(":");
    String out = in("r", "ip", v6 ? "-6" : "-4", "route", "show", prefix);
    List<String> hops = new ArrayList<>();
    for (String word : out.split("\\s+")) {
      hops.add(word);
    }
    List<String> via = new ArrayList<>();
    for (int i = 0; i + 1 < hops.size(); i++) {
      if (hops.get(i).equals("via")) {
        via.add(hops.get(i + 1).replace("inet6", "").strip());
      }
    }
    via.sort(String::compareTo);
    return via;
  }

  /** tools/traffic.py from the client to {@code vip}. */
  public Traffic traffic(String vip, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                namespace("client"),
                "python3",
                tools.resolve("traffic.py").toString(),
                "--vip",
                vip));
    cmd.addAll(args);
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readValue(run(cmd), Traffic.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable traffic result", e);
    }
  }

  /** tools/drain_peer.py in the client (hold, spread), started; the caller reads and ends it. */
  public Process startDrainPeer(String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                namespace("client"),
                "python3",
                tools.resolve("drain_peer.py").toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private String script(String... args) {
    List<String> cmd = new ArrayList<>(List.of(tools.resolve("testnet-bgp.sh").toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    script("down", id);
  }
}
