package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.Bfd;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.BgpSession;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.e2e.rig.BgpNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * BGP announcement end to end (issue 14): a router running FRR (zebra, bgpd, bfdd, ECMP) in its own
 * namespace, a client behind it, two forwarder processes (DPDK net_af_packet ports on the router's
 * LAN, each with its kernel interface and its own FRR in a namespace of its own) fed by their own
 * scripted operator a snapshot carrying a BgpConfig. The router installs ECMP routes to the VIPs
 * over both forwarders; no forwarder answers or announces a BGP VIP on the LAN; DSR and full-NAT
 * traffic reaches the backends through both; kill -9 of a forwarder takes its routes away within
 * BFD's detection time (100 ms x 3), its DSR connections continue through the other and its
 * full-NAT ones end (per-forwarder SNAT); a restart brings its routes and traffic back; a wrong ASN
 * or password shows in the session's last_error without disturbing the other sessions. Tests run in
 * order on the same network.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class BgpE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  static final long ASN = 64512; // iBGP: the router sees LOCAL_PREF
  static final String PASSWORD = "gatun-e2e";

  /** Without BFD: FRR's "datacenter" timers (its traditional 180 s hold would bound nothing). */
  static final int HOLD = 9;

  static final int KEEPALIVE = 3;
  static final String VIP = "198.18.9.1";
  static final String VIP_DSR = "198.18.9.2";
  static final String VIP6 = "2001:2:9::1";

  /** On {@link #VIP}: full NAT to the backends' long-lived connection server (port 7000). */
  static final int HOLD_FULL_NAT_PORT = 7001;

  private static final Duration GENEROUS = Duration.ofSeconds(90);

  private static BgpNetwork network;
  private static final List<FakeOperator> operators = new ArrayList<>();
  private static final List<TestForwarder> forwarders = new ArrayList<>();
  private static long version = 1;

  /** tcpdump on the LAN from before the forwarders start: ARP and NDP, to find any for a VIP. */
  private static Process segmentWatch;

  private static Path segmentLog;

  @BeforeAll
  static void up() throws Exception {
    network = BgpNetwork.up(ROOT, 2);
    network.configureRouter(routerConfig(2, true));
    segmentLog = ROOT.resolve("e2e/target/bgp-segment-" + network.id + ".txt");
    segmentWatch =
        network.startIn(
            "lan", segmentLog, "tcpdump", "-i", "any", "-n", "-l", "-U", "arp or icmp6");
    for (int n = 1; n <= 2; n++) {
      // As the operator sends: after a complete snapshot, deltas (BGP_DELTAS: FRR's configuration
      // arrives as what changed, and the agent assembles it whole).
      FakeOperator operator = new FakeOperator(BgpNetwork.operatorHost(n)).sendingDeltas();
      operators.add(operator);
      forwarders.add(network.startForwarder(n, operator.target()));
    }
    for (FakeOperator operator : operators) {
      awaitDial(operator);
      operator.apply(snapshot(version, c -> c));
    }
  }

  /**
   * FakeOperator answers on the stream that greeted it last: right after a restart that may still
   * be the dead forwarder's (cancelled) until the new one's Hello arrives.
   */
  static void applyOnceGreeted(FakeOperator operator, Snapshot snapshot) {
    var refused = new java.util.concurrent.atomic.AtomicReference<RuntimeException>();
    Await.until(
        () -> {
          try {
            operator.apply(snapshot);
            return true;
          } catch (io.grpc.StatusRuntimeException e) {
            refused.set(e);
            return false;
          }
        },
        Duration.ofMinutes(2),
        () -> "the snapshot never reached a greeted forwarder: " + refused.get());
  }

  /** What each forwarder dropped, for a failure's message. */
  private static String drops() {
    StringBuilder b = new StringBuilder();
    for (int n = 1; n <= 2; n++) {
      int f = n;
      try {
        network
            .scrape(f)
            .text()
            .lines()
            .filter(l -> l.startsWith("gatun_dataplane_") && !l.endsWith(" 0.0"))
            .forEach(l -> b.append("forwarder ").append(f).append(": ").append(l).append('\n'));
      } catch (RuntimeException e) {
        b.append("forwarder ").append(f).append(": ").append(e).append('\n');
      }
    }
    return b.toString();
  }

  /** A forwarder starting on a busy machine (JVM, EAL, FRR) may take minutes to dial. */
  static void awaitDial(FakeOperator operator) {
    try {
      if (operator.streams.poll(5, java.util.concurrent.TimeUnit.MINUTES) == null) {
        throw new AssertionError("the forwarder did not dial its operator within 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @AfterAll
  static void down() throws Exception {
    if (segmentWatch != null) {
      segmentWatch.destroy();
    }
    try {
      for (TestForwarder f : forwarders) {
        f.close();
      }
    } finally {
      try {
        if (network != null) {
          network.close();
        }
      } finally {
        operators.forEach(FakeOperator::close);
      }
    }
  }

  /** The router: iBGP with every forwarder over IPv4 (TCP MD5) and IPv6, BFD 100 ms x 3, ECMP. */
  static String routerConfig(int forwarders, boolean bfd) {
    StringBuilder c = new StringBuilder();
    c.append("bfd\n profile fast\n  receive-interval 100\n  transmit-interval 100\n");
    c.append("  detect-multiplier 3\n exit\nexit\n!\n");
    c.append("router bgp ").append(ASN).append('\n');
    c.append(" bgp router-id ").append(BgpNetwork.ROUTER).append('\n');
    c.append(" no bgp default ipv4-unicast\n");
    for (int n = 1; n <= forwarders; n++) {
      for (String peer : List.of(BgpNetwork.address(n), BgpNetwork.address6(n))) {
        c.append(" neighbor ").append(peer).append(" remote-as ").append(ASN).append('\n');
        // The forwarders open the sessions: no connection collisions to resolve (on a loaded
        // machine both sides' OPENs crossed again and again, and sessions reset every few s).
        c.append(" neighbor ").append(peer).append(" passive\n");
        if (!peer.contains(":")) {
          c.append(" neighbor ").append(peer).append(" password ").append(PASSWORD).append('\n');
        }
        if (bfd) {
          c.append(" neighbor ").append(peer).append(" bfd\n");
          c.append(" neighbor ").append(peer).append(" bfd profile fast\n");
        } else {
          c.append(" no neighbor ").append(peer).append(" bfd\n");
          c.append(" neighbor ").append(peer).append(" timers ").append(KEEPALIVE).append(' ');
          c.append(HOLD).append('\n');
        }
      }
    }
    for (String af : List.of("ipv4", "ipv6")) {
      c.append(" address-family ").append(af).append(" unicast\n");
      c.append("  maximum-paths ibgp 8\n");
      for (int n = 1; n <= forwarders; n++) {
        String peer = af.equals("ipv4") ? BgpNetwork.address(n) : BgpNetwork.address6(n);
        c.append("  neighbor ").append(peer).append(" activate\n");
      }
      c.append(" exit-address-family\n");
    }
    c.append("exit\n");
    return c.toString();
  }

  /** What the operator renders for a forwarder of the BGP Pool (the same for both). */
  static BgpConfig bgp(boolean bfd) {
    BgpNeighbor.Builder v4 =
        BgpNeighbor.newBuilder()
            .setAddress(BgpNetwork.ROUTER)
            .setAsn((int) ASN)
            .setPassword(PASSWORD)
            .addPools("default/bgp");
    BgpNeighbor.Builder v6 =
        BgpNeighbor.newBuilder()
            .setAddress(BgpNetwork.ROUTER6)
            .setAsn((int) ASN)
            .addPools("default/bgp");
    if (!bfd) {
      v4.setHoldTimeSeconds(HOLD).setKeepaliveSeconds(KEEPALIVE);
      v6.setHoldTimeSeconds(HOLD).setKeepaliveSeconds(KEEPALIVE);
    } else {
      Bfd fast =
          Bfd.newBuilder()
              .setReceiveIntervalMillis(100)
              .setTransmitIntervalMillis(100)
              .setDetectMultiplier(3)
              .build();
      v4.setBfd(fast);
      v6.setBfd(fast);
    }
    return BgpConfig.newBuilder()
        .setLocalAsn((int) ASN)
        .addNeighbors(v4)
        .addNeighbors(v6)
        .addAdvertisements(
            BgpAdvertisement.newBuilder()
                .setPrefix(VIP + "/32")
                .addCommunities("65000:100")
                .addCommunities("65000:1:2")
                .setLocalPref(200)
                .addNeighbors(BgpNetwork.ROUTER)
                .addServiceKeys("default/web/http")
                .addServiceKeys("default/web/dns")
                .addServiceKeys("default/hold-nat/tcp")
                .setPool("default/bgp"))
        .addAdvertisements(
            BgpAdvertisement.newBuilder()
                .setPrefix(VIP_DSR + "/32")
                .addNeighbors(BgpNetwork.ROUTER)
                .addServiceKeys("default/hold/tcp")
                .setPool("default/bgp"))
        .addAdvertisements(
            BgpAdvertisement.newBuilder()
                .setPrefix(VIP6 + "/128")
                .addNeighbors(BgpNetwork.ROUTER6)
                .addServiceKeys("default/web6/http")
                .setPool("default/bgp"))
        .build();
  }

  static Snapshot snapshot(long version, UnaryOperator<BgpConfig> bgp) {
    return snapshot(version, bgp.apply(bgp(true)));
  }

  static Snapshot snapshot(long version, BgpConfig bgp) {
    return Snapshot.newBuilder()
        .setSnapshotVersion(version)
        .addServices(
            service(
                "default/web/http", VIP, Protocol.TCP, 80, 8080, ForwardingMode.FULL_NAT, false))
        .addServices(
            service("default/web/dns", VIP, Protocol.UDP, 53, 5353, ForwardingMode.FULL_NAT, false))
        .addServices(
            service(
                "default/hold/tcp", VIP_DSR, Protocol.TCP, 7000, 7000, ForwardingMode.DSR, false))
        .addServices(
            service(
                "default/web6/http", VIP6, Protocol.TCP, 80, 8080, ForwardingMode.FULL_NAT, true))
        .addServices(
            service(
                "default/hold-nat/tcp",
                VIP,
                Protocol.TCP,
                HOLD_FULL_NAT_PORT,
                7000,
                ForwardingMode.FULL_NAT,
                false))
        .setBgp(bgp)
        .build();
  }

  private static VirtualService service(
      String key,
      String vip,
      Protocol protocol,
      int port,
      int target,
      ForwardingMode mode,
      boolean v6) {
    VirtualService.Builder vs =
        VirtualService.newBuilder()
            .setKey(key)
            .setVip(vip)
            .setPort(port)
            .setProtocol(protocol)
            .setMode(mode)
            .setScheduling(Scheduling.MAGLEV)
            .setMaglevTableSize(251);
    for (int n = 1; n <= 2; n++) {
      vs.addBackends(
          Backend.newBuilder()
              .setAddress(v6 ? BgpNetwork.backend6(n) : BgpNetwork.backend(n))
              .setPort(target)
              .setWeight(1));
    }
    return vs.build();
  }

  static void awaitNextHops(BgpNetwork network, String prefix, int count, Duration within) {
    Await.until(
        () -> network.routerNextHops(prefix).size() == count,
        within,
        () ->
            prefix
                + " has next hops "
                + network.routerNextHops(prefix)
                + ", want "
                + count
                + "\n"
                + network.vtysh("show bgp summary"));
  }

  /** The latest BGP sessions forwarder {@code f} (0-based) reports that match. */
  private static List<BgpSession> awaitSessions(
      int f, java.util.function.Predicate<List<BgpSession>> wanted) throws InterruptedException {
    ForwarderMessage m =
        operators
            .get(f)
            .next(
                x ->
                    x.hasObservation()
                        && x.getObservation().getBgpSessionsCount() > 0
                        && wanted.test(x.getObservation().getBgpSessionsList()));
    return m.getObservation().getBgpSessionsList();
  }

  /** The sessions forwarder {@code f} reports once its session with {@code peer} failed so. */
  private static List<BgpSession> awaitLastError(int f, String peer, String error)
      throws InterruptedException {
    return awaitSessions(
        f,
        l ->
            l.stream().anyMatch(x -> x.getPeer().equals(peer) && x.getLastError().contains(error)));
  }

  private static boolean established(List<BgpSession> sessions, String peer) {
    return sessions.stream().anyMatch(s -> s.getPeer().equals(peer) && s.getEstablished());
  }

  @Test
  @Order(1)
  void theRouterInstallsEcmpRoutesOverBothForwardersForIpv4AndIpv6() {
    awaitNextHops(network, VIP, 2, GENEROUS);
    awaitNextHops(network, VIP_DSR, 2, GENEROUS);
    awaitNextHops(network, VIP6, 2, GENEROUS);

    assertThat(network.routerNextHops(VIP))
        .containsExactly(BgpNetwork.address(1), BgpNetwork.address(2));
    String rib = network.vtysh("show bgp ipv6 unicast " + VIP6 + "/128 json");
    assertThat(rib).contains(BgpNetwork.address6(1)).contains(BgpNetwork.address6(2));
  }

  @Test
  @Order(2)
  void communitiesAndLocalPrefAreInTheRoutersRib() {
    String all = network.vtysh("show bgp ipv4 unicast json");
    String route = network.vtysh("show bgp ipv4 unicast " + VIP + "/32 json");

    assertThat(all).contains("\"" + VIP + "/32\"");
    assertThat(route).contains("65000:100").contains("65000:1:2");
    assertThat(route.replace(" ", "")).contains("\"locPrf\":200");
    String dsr = network.vtysh("show bgp ipv4 unicast " + VIP_DSR + "/32 json");
    assertThat(dsr).as("communities only where the Pool gives them").doesNotContain("65000:100");
  }

  @Test
  @Order(3)
  void trafficReachesTheBackendsThroughBothForwarders() throws Exception {
    double[] before = new double[2];
    for (int f = 0; f < 2; f++) {
      before[f] = network.scrape(f + 1).value("gatun_dataplane_new_flows_total", Map.of());
    }

    String spread = drainPeer("spread", "--vip", VIP_DSR, "--port", "7000", "--connections", "20");

    assertThat(spread).contains("\"failed\": 0").contains("backend-1").contains("backend-2");
    for (int f = 0; f < 2; f++) {
      assertThat(network.scrape(f + 1).value("gatun_dataplane_new_flows_total", Map.of()))
          .as("forwarder %d took a share of the ECMP flows", f + 1)
          .isGreaterThan(before[f]);
      assertThat(
              network
                  .scrape(f + 1)
                  .value("gatun_bgp_session_up", Map.of("peer", BgpNetwork.ROUTER)))
          .isEqualTo(1);
    }
    // BFD comes up a moment after the session (slow start): the observation that has both.
    List<BgpSession> s =
        awaitSessions(
            0,
            l ->
                l.stream()
                    .anyMatch(
                        x ->
                            x.getPeer().equals(BgpNetwork.ROUTER)
                                && x.getEstablished()
                                && x.getBfdState().equals("up")));
    BgpSession v4session =
        s.stream().filter(x -> x.getPeer().equals(BgpNetwork.ROUTER)).findFirst().orElseThrow();
    assertThat(v4session.getBfdState()).isEqualTo("up");
    assertThat(v4session.getPrefixesAdvertised()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void noForwarderAnswersOrAnnouncesABgpVipOnTheSegment() throws Exception {
    // Everything so far (start, snapshots, routes, traffic) happened under the capture.
    segmentWatch.destroy();
    segmentWatch.waitFor();
    List<String> lines = Files.readAllLines(segmentLog);
    List<String> aboutVips =
        lines.stream().filter(l -> l.contains("198.18.9.") || l.contains("2001:2:9:")).toList();

    assertThat(lines)
        .as("the capture saw the router resolve the forwarders (so it saw ARP at all)")
        .anyMatch(l -> l.contains("ARP") && l.contains(BgpNetwork.address(2)));
    assertThat(aboutVips)
        .as("ARP or NDP about a BGP VIP on the segment (gratuitous ARP, unsolicited NA, replies)")
        .isEmpty();
    for (int f = 1; f <= 2; f++) {
      assertThat(network.scrape(f).value("gatun_dataplane_garps_sent_total", Map.of()))
          .as("forwarder %d sent no gratuitous ARP or unsolicited NA", f)
          .isZero();
      assertThat(network.scrape(f).value("gatun_dataplane_address_conflicts_total", Map.of()))
          .as("forwarder %d saw no other forwarder claim an address of its own", f)
          .isZero();
    }
  }

  @Test
  @Order(5)
  void fullNatTrafficReachesTheBackendsThroughBothForwarders() throws Exception {
    double[] before = new double[2];
    for (int f = 0; f < 2; f++) {
      before[f] = network.scrape(f + 1).value("gatun_dataplane_new_flows_total", Map.of());
    }

    Traffic v4 = network.traffic(VIP, List.of("--requests", "40"));
    Traffic v6 = network.traffic(VIP6, List.of("--requests", "20", "--no-udp"));

    assertThat(v4.failed()).as("IPv4 full NAT (TCP and UDP): %s\n%s", v4, drops()).isZero();
    assertThat(v4.tcp()).containsKeys("backend-1", "backend-2");
    assertThat(v4.udp()).containsKeys("backend-1", "backend-2");
    assertThat(v6.failed()).as("IPv6 full NAT: %s\n%s", v6, drops()).isZero();
    for (int f = 0; f < 2; f++) {
      assertThat(network.scrape(f + 1).value("gatun_dataplane_new_flows_total", Map.of()))
          .as("forwarder %d took a share of the full-NAT flows", f + 1)
          .isGreaterThanOrEqualTo(before[f] + 5);
    }
  }

  /** Long-lived connections from the client (drain_peer.py hold), each with its output. */
  private record Held(Process process, BufferedReader out) {
    String line() throws java.io.IOException {
      return out.readLine();
    }
  }

  private static List<Held> hold(String vip, int port, int count, Path go) throws Exception {
    List<Held> held = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Process p =
          network.startDrainPeer(
              "hold",
              "--vip",
              vip,
              "--port",
              Integer.toString(port),
              "--go",
              go.toString(),
              "--timeout",
              "120");
      held.add(
          new Held(
              p,
              new BufferedReader(
                  new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))));
    }
    for (Held h : held) {
      assertThat(h.line()).startsWith("first backend-");
    }
    return held;
  }

  /** How many full-NAT connections the backends hold from forwarder {@code n}'s SNAT address. */
  private static int fullNatConnectionsVia(int n) {
    int count = 0;
    for (int b = 1; b <= 2; b++) {
      count += network.backendPeers(b, 7000).getOrDefault(BgpNetwork.address(n), 0);
    }
    return count;
  }

  @Test
  @Order(8)
  void killingAForwarderWithdrawsItsRoutesWithinASecondAndItsDsrConnectionsContinue()
      throws Exception {
    // Both forwarders back on every VIP after the session tests, and settled: BFD up for a few
    // seconds with each (the password test's last reload restarts forwarder 2's sessions).
    Await.until(
        () ->
            network.bfdUpFor(BgpNetwork.address(1), Duration.ofSeconds(5))
                && network.bfdUpFor(BgpNetwork.address(2), Duration.ofSeconds(5)),
        GENEROUS,
        () -> "BFD with the forwarders: " + network.vtysh("show bfd peers brief"));
    awaitNextHops(network, VIP, 2, GENEROUS);
    awaitNextHops(network, VIP_DSR, 2, GENEROUS);
    awaitNextHops(network, VIP6, 2, GENEROUS);
    Path go = ROOT.resolve("e2e/target/bgp-go-" + network.id);
    Files.deleteIfExists(go);
    List<Held> dsr = hold(VIP_DSR, 7000, 8, go);
    List<Held> fullNat = hold(VIP, HOLD_FULL_NAT_PORT, 12, go);
    // A full-NAT connection is the backend's with the SNAT address of the forwarder it went
    // through: the dead forwarder's die with it (the survivor has neither the flow nor that
    // address), the survivor's continue.
    int viaDead = fullNatConnectionsVia(1);
    int viaSurvivor = fullNatConnectionsVia(2);
    assertThat(viaDead + viaSurvivor).as("every full-NAT connection at a backend").isEqualTo(12);
    assertThat(viaDead).as("ECMP gave each forwarder full-NAT connections").isPositive();
    assertThat(viaSurvivor).as("ECMP gave each forwarder full-NAT connections").isPositive();
    double midstreamBefore =
        network.scrape(2).value("gatun_dataplane_midstream_flows_total", Map.of());

    long killed = System.nanoTime();
    forwarders.get(0).kill();
    Await.until(
        () -> network.routerNextHops(VIP).equals(List.of(BgpNetwork.address(2))),
        Duration.ofSeconds(30),
        () -> "routes still " + network.routerNextHops(VIP));
    long withdrawnMillis = (System.nanoTime() - killed) / 1_000_000;
    System.out.printf(
        "BgpE2E: %s withdrawn at the router %d ms after kill -9 of a forwarder (BFD 100 ms x 3)%n",
        VIP, withdrawnMillis);
    awaitNextHops(network, VIP6, 1, Duration.ofSeconds(10));

    Files.writeString(go, "go");
    for (int i = 0; i < dsr.size(); i++) {
      assertThat(dsr.get(i).line())
          .as("DSR connection %d after the forwarder died", i)
          .startsWith("then backend-");
      dsr.get(i).process().waitFor();
    }
    int continued = 0;
    int broken = 0;
    for (Held h : fullNat) {
      String after = h.line();
      if (after != null && after.startsWith("then backend-")) {
        continued++;
      } else {
        broken++;
      }
      h.process().waitFor();
    }
    System.out.printf(
        "BgpE2E: full NAT after kill -9: %d of %d connections through the dead forwarder broke,"
            + " %d through the survivor continued%n",
        broken, viaDead, continued);
    assertThat(broken).as("the dead forwarder's full-NAT connections end").isEqualTo(viaDead);
    assertThat(continued).as("the survivor's full-NAT connections go on").isEqualTo(viaSurvivor);
    // The goal is 1 s (BFD 100 ms x 3); the bound is wider for a machine shared with other
    // builds, the figure itself is bench/bgp.sh's.
    assertThat(withdrawnMillis).as("BFD 100 ms x 3: the goal is 1 s").isLessThan(3000);
    assertThat(network.scrape(2).value("gatun_dataplane_midstream_flows_total", Map.of()))
        .as("the dead forwarder's connections continued on the survivor")
        .isGreaterThan(midstreamBefore);
    assertThat(drainPeer("spread", "--vip", VIP_DSR, "--port", "7000", "--connections", "10"))
        .as("new connections through the survivor")
        .contains("\"failed\": 0");
  }

  @Test
  @Order(9)
  void aRestartedForwarderAdvertisesAgainAndTakesTraffic() throws Exception {
    if (forwarders.get(0).alive()) {
      forwarders.get(0).kill(); // the kill test failed before its kill: this one stands alone
    }
    forwarders.set(0, network.startForwarder(1, operators.get(0).target()));
    awaitDial(operators.get(0));
    applyOnceGreeted(operators.get(0), snapshot(++version, c -> c));

    awaitNextHops(network, VIP, 2, GENEROUS);
    awaitNextHops(network, VIP_DSR, 2, GENEROUS);
    awaitNextHops(network, VIP6, 2, GENEROUS);
    // BFD too, or the next kill would wait for the hold time.
    Await.until(
        () -> network.bfdUp(BgpNetwork.address(1)) && network.bfdUp(BgpNetwork.address6(1)),
        GENEROUS,
        () ->
            "the router's BFD sessions with the restarted forwarder: "
                + network.vtysh("show bfd peers brief"));
    double before = network.scrape(1).value("gatun_dataplane_new_flows_total", Map.of());
    Traffic fullNat = network.traffic(VIP, List.of("--requests", "30"));
    String dsr = drainPeer("spread", "--vip", VIP_DSR, "--port", "7000", "--connections", "20");

    assertThat(fullNat.failed())
        .as("full NAT after the restart: %s\n%s", fullNat, drops())
        .isZero();
    assertThat(dsr).contains("\"failed\": 0");
    assertThat(network.scrape(1).value("gatun_dataplane_new_flows_total", Map.of()))
        .as("the restarted forwarder takes its share again")
        .isGreaterThanOrEqualTo(before + 5);
  }

  @Test
  @Order(6)
  void aWrongAsnIsTheSessionsLastErrorAndTheOtherSessionsStay() throws Exception {
    operators
        .get(1)
        .apply(
            snapshot(
                ++version,
                c ->
                    c.toBuilder()
                        .setNeighbors(0, c.getNeighbors(0).toBuilder().setAsn(64599))
                        .build()));

    List<BgpSession> s = awaitLastError(1, BgpNetwork.ROUTER, "Bad Peer AS");
    assertThat(established(s, BgpNetwork.ROUTER6)).as("its IPv6 session is untouched").isTrue();
    Await.until(
        () -> network.routerNextHops(VIP).equals(List.of(BgpNetwork.address(1))),
        Duration.ofSeconds(30),
        () -> "the other forwarder's route alone expected: " + network.routerNextHops(VIP));
    awaitNextHops(network, VIP6, 2, Duration.ofSeconds(30));
  }

  @Test
  @Order(7)
  void aWrongPasswordIsTheSessionsLastError() throws Exception {
    operators
        .get(1)
        .apply(
            snapshot(
                ++version,
                c ->
                    c.toBuilder()
                        .setNeighbors(0, c.getNeighbors(0).toBuilder().setPassword("wrong-one"))
                        .build()));

    List<BgpSession> s = awaitLastError(1, BgpNetwork.ROUTER, "MD5");
    assertThat(established(s, BgpNetwork.ROUTER6)).isTrue();
    awaitNextHops(network, VIP, 1, Duration.ofSeconds(60));

    operators.get(1).apply(snapshot(++version, c -> c));
    awaitNextHops(network, VIP, 2, GENEROUS);
    assertThat(operators.get(1).bgpChangesSent())
        .as("the neighbour changes went as BGP_DELTAS' changes, not whole configurations")
        .isGreaterThanOrEqualTo(3);
  }

  private static String drainPeer(String... args) throws Exception {
    Process p = network.startDrainPeer(args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
