package io.gatun.fwd;

import static io.gatun.fwd.Frames.BROADCAST;
import static io.gatun.fwd.Frames.TCP_ACK;
import static io.gatun.fwd.Frames.TCP_SYN;
import static io.gatun.fwd.Frames.mac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real fast path, driven from Java: EAL without hugepages, a ring port (the net_ring PMD) and
 * one worker lcore; frames crafted in Java go in, frames the worker sends come out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataPlaneTest {
  private static final String PORT_IP = "198.18.0.2";
  private static final String VIP = "198.18.0.200";
  private static final String BACKEND = "198.18.0.11";
  private static final String CLIENT = "198.18.0.100";
  private static final String PORT_IP6 = "2001:2::2";
  private static final String VIP6 = "2001:2::200";
  private static final String BACKEND6 = "2001:2::11";
  private static final String CLIENT6 = "2001:2::100";
  private static final byte[] CLIENT_MAC = mac("02:00:00:00:00:64");
  private static final byte[] BACKEND_MAC = mac("02:00:00:00:00:0b");
  private static final byte[] PEER_MAC = mac("02:00:00:00:00:42");

  /**
   * How long to wait for what the worker owes: it shares a busy machine, so this is long; what
   * comes returns at once.
   */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static DataPlane dataPlane;
  private static int port;
  private static byte[] portMac;

  @BeforeAll
  static void startDataPlane() {
    dataPlane =
        DataPlane.open(
            List.of(
                "-l",
                "0-1",
                "--no-huge",
                "-m",
                "512",
                "--no-pci",
                "--no-shconf",
                "--no-telemetry",
                "--file-prefix",
                "gatun-bindings-" + ProcessHandle.current().pid(),
                "--log-level",
                "*:warning"));
    port =
        dataPlane.addRingPort(
            "jring0",
            new PortSpec(
                "jring0",
                List.of(
                    new PortAddress(InetAddress.ofLiteral(PORT_IP), 24, Optional.empty()),
                    new PortAddress(InetAddress.ofLiteral(PORT_IP6), 64, Optional.empty()))));
    assertThat(dataPlane.start()).isEqualTo(1);
    portMac = dataPlane.portMac(port);
  }

  @AfterAll
  static void stopDataPlane() {
    dataPlane.close();
  }

  @Test
  @Order(1)
  void answersArpForItsOwnAddress() {
    dataPlane.inject(port, Frames.arp(1, BROADCAST, CLIENT_MAC, CLIENT, new byte[6], PORT_IP));

    byte[] reply = awaitFrame(f -> Frames.etherType(f) == 0x0806 && Frames.arpOp(f) == 2);
    assertThat(Frames.slice(reply, 0, 6)).isEqualTo(CLIENT_MAC);
    assertThat(Frames.arpSenderIp(reply)).isEqualTo(PORT_IP);
    assertThat(Frames.slice(reply, Frames.ETH + 8, 6)).isEqualTo(portMac);
    assertThat(Frames.arpTargetIp(reply)).isEqualTo(CLIENT);
  }

  @Test
  @Order(2)
  void fullNatBothDirectionsAfterResolvingTheBackend() {
    dataPlane.commit(
        1,
        List.of(
            fullNat(
                InetAddress.ofLiteral(VIP),
                Protocol.TCP,
                80,
                List.of(new BackendSpec(InetAddress.ofLiteral(BACKEND), 8080, 1)))));
    assertThat(dataPlane.commitSeq()).isEqualTo(1);

    byte[] who = awaitFrame(f -> Frames.etherType(f) == 0x0806 && Frames.arpOp(f) == 1);
    assertThat(Frames.arpTargetIp(who))
        .as("the forwarder asks for the new backend")
        .isEqualTo(BACKEND);
    dataPlane.inject(port, Frames.arp(2, portMac, BACKEND_MAC, BACKEND, portMac, PORT_IP));

    byte[] forward = null;
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (forward == null && System.nanoTime() < deadline) {
      // The ARP reply and the SYN race through the same ring; retry until the MAC is known.
      dataPlane.inject(port, Frames.tcp(portMac, CLIENT_MAC, CLIENT, 40000, VIP, 80, TCP_SYN, ""));
      forward = pollFrame(f -> Frames.etherType(f) == 0x0800, Duration.ofMillis(100));
    }
    assertThat(forward).as("SYN forwarded to the backend").isNotNull();
    assertThat(Frames.slice(forward, 0, 6)).isEqualTo(BACKEND_MAC);
    assertThat(Frames.srcIp(forward)).isEqualTo(PORT_IP);
    assertThat(Frames.dstIp(forward)).isEqualTo(BACKEND);
    assertThat(Frames.dstPort(forward)).isEqualTo(8080);
    assertThat(Frames.checksumsValid(forward)).isTrue();
    int snatPort = Frames.srcPort(forward);

    dataPlane.inject(
        port,
        Frames.tcp(portMac, BACKEND_MAC, BACKEND, 8080, PORT_IP, snatPort, TCP_SYN | TCP_ACK, ""));
    // Matched by destination: a retried SYN of the loop above may still be on its way out.
    byte[] reverse =
        awaitFrame(f -> Frames.etherType(f) == 0x0800 && Frames.dstIp(f).equals(CLIENT));
    assertThat(Frames.slice(reverse, 0, 6)).isEqualTo(CLIENT_MAC);
    assertThat(Frames.srcIp(reverse)).isEqualTo(VIP);
    assertThat(Frames.srcPort(reverse)).isEqualTo(80);
    assertThat(Frames.dstIp(reverse)).isEqualTo(CLIENT);
    assertThat(Frames.dstPort(reverse)).isEqualTo(40000);
    assertThat(Frames.checksumsValid(reverse)).isTrue();

    dataPlane.inject(
        port, Frames.udp(portMac, CLIENT_MAC, CLIENT, 5000, VIP, 80, "no UDP service here"));
    awaitCounter("drop_no_service", 1);
    assertThat(dataPlane.counters())
        .containsEntry("forward_packets", dataPlane.counters().get("forward_packets"));
    assertThat(dataPlane.counters().get("forward_packets")).isPositive();
    assertThat(dataPlane.counters().get("reverse_packets")).isEqualTo(1);

    ServiceStats web = dataPlane.serviceStats().getFirst();
    assertThat(web.vip().getHostAddress()).isEqualTo(VIP);
    assertThat(web.protocol()).isEqualTo(Protocol.TCP);
    assertThat(web.port()).isEqualTo(80);
    assertThat(web.newFlows()).isEqualTo(1);
    assertThat(web.activeFlows()).isEqualTo(1);
    assertThat(web.packets()).isEqualTo(dataPlane.counters().get("forward_packets") + 1);
    assertThat(web.backends())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.address().getHostAddress()).isEqualTo(BACKEND);
              assertThat(b.port()).isEqualTo(8080);
              assertThat(b.packets()).isEqualTo(web.packets());
              assertThat(b.bytes()).isEqualTo(web.bytes()).isPositive();
            });
  }

  @Test
  @Order(3)
  void malformedFramesAreCountedByReason() {
    long before = dataPlane.counters().get("drop_too_short");
    dataPlane.inject(port, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    awaitCounter("drop_too_short", before + 1);
  }

  @Test
  @Order(4)
  void staleGenerationIsRefusedWithATypedError() {
    assertThatThrownBy(() -> dataPlane.commit(1, List.of()))
        .isInstanceOfSatisfying(
            DataPlaneException.class,
            e -> assertThat(e.error()).isEqualTo(NativeError.STALE_GENERATION));
    assertThat(dataPlane.commitSeq()).isEqualTo(1);
  }

  @Test
  @Order(5)
  void anUnroutableServiceIsRefusedAloneAndTheOthersRun() {
    ServiceSpec web =
        fullNat(
            InetAddress.ofLiteral(VIP),
            Protocol.TCP,
            80,
            List.of(new BackendSpec(InetAddress.ofLiteral(BACKEND), 8080, 1)));
    ServiceSpec unroutable =
        fullNat(
            InetAddress.ofLiteral("198.18.0.201"),
            Protocol.TCP,
            80,
            List.of(new BackendSpec(InetAddress.ofLiteral("198.19.5.5"), 80, 1)));

    List<ServiceRefusal> refused = dataPlane.commit(2, List.of(unroutable, web));

    assertThat(refused)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.index()).isZero();
              assertThat(r.service()).isEqualTo(unroutable);
              assertThat(r.error()).isEqualTo(NativeError.HOST_UNREACHABLE);
              assertThat(r.reason())
                  .startsWith("198.18.0.201:80/TCP: no route to backend 198.19.5.5:80");
            });
    assertThat(dataPlane.commitSeq()).isEqualTo(2);
    assertThat(dataPlane.serviceStats())
        .extracting(s -> s.vip().getHostAddress())
        .containsExactly(VIP);
    dataPlane.inject(port, Frames.tcp(portMac, CLIENT_MAC, CLIENT, 40100, VIP, 80, TCP_SYN, ""));
    assertThat(Frames.dstIp(awaitFrame(f -> Frames.etherType(f) == 0x0800)))
        .as("the other service forwards")
        .isEqualTo(BACKEND);
  }

  @Test
  @Order(6)
  void ipv6FullNatToAStaticNeighbourWithRoundRobin() {
    dataPlane.setNeighbor(InetAddress.ofLiteral(BACKEND6), BACKEND_MAC);
    dataPlane.setNeighbor(InetAddress.ofLiteral("2001:2::12"), BACKEND_MAC);
    ServiceSpec v6 =
        new ServiceSpec(
            InetAddress.ofLiteral(VIP6),
            Protocol.TCP,
            80,
            ForwardingMode.FULL_NAT,
            Scheduling.ROUND_ROBIN,
            TABLE_SIZE,
            List.of(
                new BackendSpec(InetAddress.ofLiteral(BACKEND6), 8080, 1),
                new BackendSpec(InetAddress.ofLiteral("2001:2::12"), 8080, 1)),
            0);
    dataPlane.commit(3, List.of(v6));

    java.util.List<java.net.InetAddress> backends = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      dataPlane.inject(
          port, Frames.tcp6(portMac, CLIENT_MAC, CLIENT6, 41000 + i, VIP6, 80, TCP_SYN));
      byte[] out = awaitFrame(f -> Frames.etherType(f) == 0x86dd);
      assertThat(Frames.src6(out)).isEqualTo(InetAddress.ofLiteral(PORT_IP6));
      assertThat(Frames.checksumsValid6(out)).isTrue();
      backends.add(Frames.dst6(out));
    }
    var b1 = InetAddress.ofLiteral(BACKEND6);
    var b2 = InetAddress.ofLiteral("2001:2::12");
    assertThat(backends).containsExactly(b1, b2, b1, b2);
  }

  @Test
  @Order(8)
  void portCountersAndWorkerHeartbeats() throws InterruptedException {
    PortStats stats = dataPlane.portStats(port);
    assertThat(stats.rxPackets())
        .as("the ring port's driver counted what we injected")
        .isPositive();
    assertThat(stats.txPackets()).isPositive();
    long[] before = dataPlane.workerLoops();
    assertThat(before).hasSize(1);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    long[] after = dataPlane.workerLoops();
    while (after[0] == before[0] && System.nanoTime() < deadline) {
      Thread.sleep(1); // the worker shares the machine: it loops when it gets a core
      after = dataPlane.workerLoops();
    }
    assertThat(after[0]).as("the worker keeps looping").isGreaterThan(before[0]);
  }

  @Test
  @Order(7)
  void announcesATakenOverVipWithGratuitousArps() {
    dataPlane.announce(InetAddress.ofLiteral(VIP), 3, Duration.ofMillis(50));

    for (int i = 0; i < 3; i++) {
      byte[] garp =
          awaitFrame(
              f ->
                  Frames.etherType(f) == 0x0806
                      && Frames.arpSenderIp(f).equals(VIP)
                      && Frames.arpTargetIp(f).equals(VIP));
      assertThat(Frames.slice(garp, 0, 6)).isEqualTo(BROADCAST);
      assertThat(Frames.slice(garp, 6, 6)).isEqualTo(portMac);
    }
    assertThat(dataPlane.counters().get("garps_sent")).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(9)
  void aDrainingBackendKeepsItsConnectionsAndGetsNoNewOnes() {
    // Order(6) left four IPv6 connections, alternately on ::11 and ::12 (round robin).
    var b1 = InetAddress.ofLiteral(BACKEND6);
    var b2 = InetAddress.ofLiteral("2001:2::12");
    long b2NewFlows = backendStats(VIP6, b2).newFlows();
    dataPlane.commit(4, List.of(roundRobin6(false, true)));

    BackendStats draining = backendStats(VIP6, b2);
    assertThat(draining.draining()).as("read back as draining").isTrue();
    assertThat(draining.newFlows()).isEqualTo(b2NewFlows);
    assertThat(draining.activeFlows()).isEqualTo(2);
    assertThat(backendStats(VIP6, b1).draining()).isFalse();

    dataPlane.inject(port, Frames.tcp6(portMac, CLIENT_MAC, CLIENT6, 41001, VIP6, 80, TCP_ACK));
    assertThat(Frames.dst6(awaitFrame(f -> Frames.etherType(f) == 0x86dd)))
        .as("an established connection stays on the draining backend")
        .isEqualTo(b2);
    for (int i = 0; i < 4; i++) {
      dataPlane.inject(
          port, Frames.tcp6(portMac, CLIENT_MAC, CLIENT6, 42000 + i, VIP6, 80, TCP_SYN));
      assertThat(Frames.dst6(awaitFrame(f -> Frames.etherType(f) == 0x86dd)))
          .as("a new connection goes to the serving backend")
          .isEqualTo(b1);
    }
    assertThat(backendStats(VIP6, b2).newFlows()).isEqualTo(b2NewFlows);
    assertThat(backendStats(VIP6, b2).packets()).isGreaterThan(draining.packets());
  }

  @Test
  @Order(10)
  void whenEveryBackendDrainsNewConnectionsAreDroppedAndEstablishedOnesContinue() {
    dataPlane.commit(5, List.of(roundRobin6(true, true)));
    assertThat(dataPlane.serviceStats().getFirst().backends())
        .hasSize(2)
        .allMatch(BackendStats::draining);

    long noBackend = dataPlane.counters().get("drop_no_backend");
    dataPlane.inject(port, Frames.tcp6(portMac, CLIENT_MAC, CLIENT6, 43000, VIP6, 80, TCP_SYN));
    awaitCounter("drop_no_backend", noBackend + 1);

    dataPlane.inject(port, Frames.tcp6(portMac, CLIENT_MAC, CLIENT6, 42000, VIP6, 80, TCP_ACK));
    assertThat(Frames.dst6(awaitFrame(f -> Frames.etherType(f) == 0x86dd)))
        .isEqualTo(InetAddress.ofLiteral(BACKEND6));
  }

  @Test
  @Order(11)
  void sendsTheAgentsFramesThroughWorkerZero() {
    byte[] advert = Frames.fleet(DataPlane.fleetMac(), portMac, "GTUN from the agent");
    assertThat(dataPlane.sendFrame(port, advert)).isTrue();

    assertThat(awaitFrame(f -> Frames.etherType(f) == DataPlane.FLEET_ETHERTYPE))
        .as("sent as given")
        .isEqualTo(advert);
    assertThatThrownBy(() -> dataPlane.sendFrame(port, new byte[13]))
        .isInstanceOfSatisfying(
            DataPlaneException.class,
            e -> assertThat(e.error()).isEqualTo(NativeError.MESSAGE_TOO_LONG));
  }

  @Test
  @Order(12)
  void handsTheFleetsAdvertisementsToTheAgent() {
    byte[] advert = Frames.fleet(DataPlane.fleetMac(), PEER_MAC, "GTUN from a peer");
    long punted = dataPlane.counters().get("punted");
    dataPlane.inject(port, advert);

    assertThat(awaitPunted()).isEqualTo(new Punted.FleetFrame(port, advert));
    assertThat(dataPlane.counters().get("punted")).isEqualTo(punted + 1);
    assertThat(dataPlane.readPunted()).isEmpty();
  }

  @Test
  @Order(13)
  void answersOnlyForTheVipsItOwnsAndForwardsForAll() {
    dataPlane.commit(
        6,
        List.of(
            fullNat(
                InetAddress.ofLiteral(VIP),
                Protocol.TCP,
                80,
                List.of(new BackendSpec(InetAddress.ofLiteral(BACKEND), 8080, 1)))));
    dataPlane.setOwned(List.of());
    long notForUs = dataPlane.counters().get("drop_not_for_us");
    dataPlane.inject(port, Frames.arp(1, BROADCAST, CLIENT_MAC, CLIENT, new byte[6], VIP));
    awaitCounter("drop_not_for_us", notForUs + 1);
    dataPlane.inject(port, Frames.tcp(portMac, CLIENT_MAC, CLIENT, 44000, VIP, 80, TCP_SYN, ""));
    assertThat(Frames.dstIp(awaitFrame(f -> Frames.etherType(f) == 0x0800)))
        .as("forwarded although a peer owns the VIP")
        .isEqualTo(BACKEND);

    dataPlane.setOwned(List.of(InetAddress.ofLiteral(VIP)));
    dataPlane.inject(port, Frames.arp(1, BROADCAST, CLIENT_MAC, CLIENT, new byte[6], VIP));
    byte[] reply = awaitFrame(f -> Frames.etherType(f) == 0x0806 && Frames.arpOp(f) == 2);
    assertThat(Frames.arpSenderIp(reply)).isEqualTo(VIP);

    dataPlane.ownEveryVip();
    assertThatThrownBy(() -> dataPlane.setOwned(List.of(InetAddress.ofLiteral("0.0.0.0"))))
        .isInstanceOf(DataPlaneException.class)
        .hasMessageContaining("owned address 0 is unspecified");
  }

  @Test
  @Order(14)
  void reportsAForeignDeviceClaimingAnOwnedVip() {
    byte[] foreign = mac("02:00:00:00:00:ee");
    long conflicts = dataPlane.counters().get("address_conflicts");
    dataPlane.inject(port, Frames.arp(1, BROADCAST, foreign, VIP, new byte[6], VIP));

    Punted report = awaitPunted();
    assertThat(report)
        .isEqualTo(
            new Punted.AddressConflict(
                port, InetAddress.ofLiteral(VIP), foreign, Punted.AddressConflict.Via.ARP));
    assertThat(((Punted.AddressConflict) report).macText()).isEqualTo("02:00:00:00:00:ee");
    assertThat(dataPlane.counters().get("address_conflicts")).isEqualTo(conflicts + 1);
  }

  @Test
  @Order(15)
  void anIdleWorkerBacksOffAndStillAnswers() {
    dataPlane.setIdleSleep(1000);
    try {
      dataPlane.inject(port, Frames.arp(1, BROADCAST, CLIENT_MAC, CLIENT, new byte[6], PORT_IP));
      assertThat(awaitFrame(f -> Frames.etherType(f) == 0x0806 && Frames.arpOp(f) == 2))
          .isNotNull();
      assertThatThrownBy(() -> dataPlane.setIdleSleep(200_000))
          .isInstanceOf(DataPlaneException.class)
          .hasMessageContaining("give 0 (busy polling) to 100000");
    } finally {
      dataPlane.setIdleSleep(0);
    }
  }

  @Test
  @Order(16)
  void aCommitBuildsTablesOnlyForTheServiceThatChanged() {
    var web =
        fullNat(
            InetAddress.ofLiteral(VIP),
            Protocol.TCP,
            80,
            List.of(new BackendSpec(InetAddress.ofLiteral(BACKEND), 8080, 1)));
    var tls =
        fullNat(
            InetAddress.ofLiteral(VIP),
            Protocol.TCP,
            443,
            List.of(new BackendSpec(InetAddress.ofLiteral(BACKEND), 8443, 1)));
    long seq = dataPlane.commitSeq();
    dataPlane.commit(seq + 1, List.of(web, tls));
    var tls2 =
        fullNat(
            InetAddress.ofLiteral(VIP),
            Protocol.TCP,
            443,
            List.of(new BackendSpec(InetAddress.ofLiteral(BACKEND), 8443, 2)));

    dataPlane.commit(seq + 2, List.of(web, tls2));

    CommitStats stats = dataPlane.commitStats();
    assertThat(stats.seq()).isEqualTo(seq + 2);
    assertThat(stats.services()).isEqualTo(2);
    assertThat(stats.tablesBuilt()).as("the changed weight's service").isEqualTo(1);
    assertThat(stats.tablesReused()).as("the unchanged service").isEqualTo(1);
    assertThat(stats.tableBytes()).isGreaterThanOrEqualTo(2L * 2 * TABLE_SIZE);
    assertThat(stats.commitNanos()).isGreaterThanOrEqualTo(stats.buildNanos()).isPositive();
  }

  @Test
  @Order(17)
  void aDeltaCommitChangesOnlyWhatItNamesAndARefusedUpsertTakesItsServiceAlong() {
    BackendSpec backend = new BackendSpec(InetAddress.ofLiteral(BACKEND), 8080, 1);
    var web = fullNat(InetAddress.ofLiteral(VIP), Protocol.TCP, 80, List.of(backend));
    var tls = fullNat(InetAddress.ofLiteral(VIP), Protocol.TCP, 443, List.of(backend));
    var dns = fullNat(InetAddress.ofLiteral(VIP), Protocol.UDP, 53, List.of(backend));
    long seq = dataPlane.commitSeq();
    dataPlane.commit(seq + 1, List.of(web, tls));

    List<ServiceRefusal> refused = dataPlane.commitDelta(seq + 2, List.of(dns), List.of());
    assertThat(refused).isEmpty();
    assertThat(running()).containsExactlyInAnyOrder("TCP 80", "TCP 443", "UDP 53");
    CommitStats stats = dataPlane.commitStats();
    assertThat(stats.tablesBuilt()).as("the added service's").isEqualTo(1);
    assertThat(stats.tablesReused()).as("the two kept").isEqualTo(2);

    var unroutable =
        fullNat(
            InetAddress.ofLiteral(VIP),
            Protocol.TCP,
            443,
            List.of(new BackendSpec(InetAddress.ofLiteral("203.0.113.9"), 8443, 1)));
    refused =
        dataPlane.commitDelta(
            seq + 3, List.of(unroutable), List.of(new ServiceId(VIP_ADDRESS, Protocol.TCP, 80)));
    assertThat(refused).singleElement().satisfies(r -> assertThat(r.index()).isZero());
    assertThat(refused.getFirst().reason()).contains("no route to backend 203.0.113.9:8443");
    assertThat(running())
        .as("web removed; tls refused, so not its old self either: as a whole commit runs it")
        .containsExactly("UDP 53");

    assertThat(dataPlane.commitDelta(seq + 4, List.of(), List.of(ServiceId.of(web))))
        .as("removing what does not run is no error")
        .isEmpty();
    assertThatThrownBy(() -> dataPlane.commitDelta(seq + 4, List.of(web), List.of()))
        .isInstanceOf(DataPlaneException.class)
        .hasMessageContaining("not newer");
    assertThat(running()).containsExactly("UDP 53");
  }

  private static final InetAddress VIP_ADDRESS = InetAddress.ofLiteral(VIP);

  /** The running services of VIP as "PROTOCOL port". */
  private static List<String> running() {
    return dataPlane.serviceStats().stream()
        .filter(s -> s.vip().equals(VIP_ADDRESS))
        .map(s -> s.protocol().name() + " " + s.port())
        .toList();
  }

  @Test
  void libraryAndBindingsAgreeOnTheAbi() throws Throwable {
    assertThat((int) io.gatun.fwd.raw.GatunFwd.gfwd_abi_version.invokeExact())
        .isEqualTo(io.gatun.fwd.raw.GatunFwd.ABI_VERSION);
    assertThat(io.gatun.fwd.raw.GatunFwd.Backend.LAYOUT.byteSize()).isEqualTo(24);
    assertThat(io.gatun.fwd.raw.GatunFwd.Refusal.LAYOUT.byteSize()).isEqualTo(256);
    assertThat(io.gatun.fwd.raw.GatunFwd.Vip.LAYOUT.byteSize()).isEqualTo(20);
    assertThat(io.gatun.fwd.raw.GatunFwd.Conflict.LAYOUT.byteSize()).isEqualTo(24);
    assertThat(io.gatun.fwd.raw.GatunFwd.CommitStats.LAYOUT.byteSize()).isEqualTo(56);
    assertThat(io.gatun.fwd.raw.GatunFwd.ServiceId.LAYOUT.byteSize()).isEqualTo(20);
    assertThat(
            io.gatun.fwd.raw.GatunFwd.Backend.LAYOUT.byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("flags")))
        .isEqualTo(17);
  }

  /** The table size the operator sends when a LoadBalancer gives none. */
  private static final int TABLE_SIZE = 65537;

  private static ServiceSpec fullNat(
      java.net.InetAddress vip, Protocol protocol, int port, List<BackendSpec> backends) {
    return new ServiceSpec(
        vip, protocol, port, ForwardingMode.FULL_NAT, Scheduling.MAGLEV, TABLE_SIZE, backends);
  }

  private static ServiceSpec roundRobin6(boolean firstDraining, boolean secondDraining) {
    return new ServiceSpec(
        InetAddress.ofLiteral(VIP6),
        Protocol.TCP,
        80,
        ForwardingMode.FULL_NAT,
        Scheduling.ROUND_ROBIN,
        TABLE_SIZE,
        List.of(
            new BackendSpec(InetAddress.ofLiteral(BACKEND6), 8080, 1, firstDraining),
            new BackendSpec(InetAddress.ofLiteral("2001:2::12"), 8080, 1, secondDraining)),
        0);
  }

  private static BackendStats backendStats(String vip, java.net.InetAddress backend) {
    return dataPlane.serviceStats().stream()
        .filter(s -> s.vip().getHostAddress().equals(InetAddress.ofLiteral(vip).getHostAddress()))
        .flatMap(s -> s.backends().stream())
        .filter(b -> b.address().equals(backend))
        .findFirst()
        .orElseThrow();
  }

  // ------------------------------------------------------------------ helpers

  private static byte[] awaitFrame(Predicate<byte[]> wanted) {
    byte[] f = pollFrame(wanted, PATIENCE);
    assertThat(f).as("an expected frame within " + PATIENCE).isNotNull();
    return f;
  }

  /** Reads frames until one matches; others (ARP housekeeping) are skipped. */
  private static byte[] pollFrame(Predicate<byte[]> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var frame = dataPlane.collect(port);
      if (frame.isPresent()) {
        if (wanted.test(frame.get())) {
          return frame.get();
        }
      } else {
        Thread.onSpinWait();
      }
    }
    return null;
  }

  private static Punted awaitPunted() {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      var punted = dataPlane.readPunted();
      if (punted.isPresent()) {
        return punted.get();
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("nothing punted within " + PATIENCE);
  }

  private static void awaitCounter(String name, long atLeast) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (dataPlane.counters().get(name) < atLeast && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(dataPlane.counters().get(name)).as(name).isGreaterThanOrEqualTo(atLeast);
  }
}
