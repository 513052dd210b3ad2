package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.e2e.rig.FleetMember;
import io.gatun.e2e.rig.LiveTraffic;
import io.gatun.e2e.rig.Scrape;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three forwarder processes of one fleet on one segment (DPDK net_af_packet ports into the test
 * network's bridge), each fed by its own scripted operator the same full-NAT VIPs: each VIP is
 * answered by exactly one of them; a forged advertisement and a foreign device's gratuitous ARP
 * move nothing and are counted; with the operators stopped, killing a VIP's owner (kill -9) makes
 * another forwarder answer for it and new connections succeed; a graceful stop fails no UDP request
 * and at most the full-NAT TCP connection open at the switch. The tests run in order on the same
 * fleet, which shrinks as they go. Bounds are generous (a busy machine); the failover time measured
 * is printed, the goal is a benchmark figure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class FleetFailoverE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  private static final String CLUSTER = "e2e";
  private static final List<String> ADDRESSES = List.of("198.18.0.2", "198.18.0.4", "198.18.0.5");
  private static final List<String> VIPS =
      IntStream.range(0, 6).mapToObj(i -> "198.18.0." + (230 + i)).toList();
  private static final List<String> BACKENDS = List.of("backend-1", "backend-2", "backend-3");
  private static final Duration GENEROUS = Duration.ofSeconds(15);

  private static TestNetwork network;
  private static final List<FakeOperator> operators = new ArrayList<>();
  private static final List<TestForwarder> forwarders = new ArrayList<>();
  private static final List<String> macs = new ArrayList<>();
  private static final boolean[] gone = new boolean[3];

  @BeforeAll
  static void up() throws IOException {
    network = TestNetwork.up(ROOT, 3, 3);
    Path key = ROOT.resolve("e2e/target/fleet-key-" + network.id);
    Files.createDirectories(key.getParent());
    Files.writeString(key, "e2e-fleet-key-" + network.id + "-0123456789abcdef\n");
    Snapshot snapshot = snapshot();
    for (int i = 0; i < 3; i++) {
      FakeOperator operator = new FakeOperator();
      operators.add(operator);
      String name = "fleet" + (i + 1) + "-" + network.id;
      List<String> args =
          FleetMember.args(
              network,
              i + 1,
              name,
              operator.target(),
              ADDRESSES.get(i),
              key,
              CLUSTER,
              "--drain-grace-ms",
              "3000");
      forwarders.add(
          TestForwarder.process(ROOT, args, ROOT.resolve("e2e/target/forwarder-" + name + ".log")));
      macs.add(FleetMember.mac(network, i + 1));
    }
    for (FakeOperator operator : operators) {
      operator.apply(snapshot);
    }
    for (int n = 1; n <= 3; n++) {
      network.awaitListening(n, 8080, Duration.ofSeconds(30));
    }
  }

  @AfterAll
  static void down() throws Exception {
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

  private static Snapshot snapshot() {
    Snapshot.Builder s = Snapshot.newBuilder().setSnapshotVersion(1);
    for (String vip : VIPS) {
      s.addServices(service(Snapshots.service(), vip, "http", Protocol.TCP, 80, 8080));
      s.addServices(service(Snapshots.service(), vip, "dns", Protocol.UDP, 53, 5353));
    }
    return s.build();
  }

  private static VirtualService service(
      VirtualService.Builder vs, String vip, String name, Protocol protocol, int port, int target) {
    vs.setKey("default/" + vip + "/" + name)
        .setVip(vip)
        .setPort(port)
        .setProtocol(protocol)
        .setMode(ForwardingMode.FULL_NAT);
    for (int n = 1; n <= 3; n++) {
      vs.addBackends(
          io.gatun.control.v1.Backend.newBuilder()
              .setAddress(TestNetwork.backend(n))
              .setPort(target)
              .setWeight(1));
    }
    return vs.build();
  }

  /** The MACs that answer an ARP request for {@code vip} from the client. */
  private static List<String> answering(String vip) {
    String out = network.fleetProbe("whohas", vip, "--timeout", "0.5").strip();
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
  }

  /** Which forwarder (0-2) answers for each VIP, once each VIP has exactly one live answerer. */
  private static Map<String, Integer> owners() {
    Map<String, Integer> owners = new LinkedHashMap<>();
    Await.until(
        () -> {
          owners.clear();
          for (String vip : VIPS) {
            List<String> a = answering(vip);
            if (a.size() != 1 || !macs.contains(a.getFirst()) || gone[macs.indexOf(a.getFirst())]) {
              return false;
            }
            owners.put(vip, macs.indexOf(a.getFirst()));
          }
          return true;
        },
        Duration.ofSeconds(60),
        () -> "not every VIP answered by exactly one live forwarder: " + owners + " " + macs);
    return owners;
  }

  private static Scrape scrape(int forwarder) {
    return new Scrape(forwarders.get(forwarder).scrape());
  }

  @Test
  @Order(1)
  void eachVipIsAnsweredByExactlyOneForwarderAndTheyShareThem() {
    Map<String, Integer> owners = owners();

    assertThat(owners.values().stream().distinct().count())
        .as("rendezvous spreads 6 VIPs over 3 forwarders: %s", owners)
        .isGreaterThanOrEqualTo(2);
    for (String vip : VIPS) {
      Traffic t = network.traffic(vip, 10);
      assertThat(t.failed()).as("traffic to %s", vip).isZero();
    }
    for (int f = 0; f < 3; f++) {
      assertThat(scrape(f).value("gatun_fleet_peers_alive", Map.of())).isEqualTo(2);
    }
  }

  @Test
  @Order(2)
  void aForgedAdvertisementFromTheClientMovesNothingAndIsCounted() {
    Map<String, Integer> before = owners();

    network.fleetProbe("forge", "--cluster", CLUSTER, "--id", "fleet1-" + network.id);
    network.fleetProbe("forge", "--cluster", "another-cluster");

    for (int f = 0; f < 3; f++) {
      int forwarder = f;
      Scrape.await(
          () -> forwarders.get(forwarder).scrape(),
          "gatun_fleet_advertisements_rejected_total",
          Map.of("reason", "bad_hmac"),
          1,
          GENEROUS);
      Scrape.await(
          () -> forwarders.get(forwarder).scrape(),
          "gatun_fleet_advertisements_rejected_total",
          Map.of("reason", "foreign_cluster"),
          1,
          GENEROUS);
    }
    assertThat(owners()).isEqualTo(before);
  }

  @Test
  @Order(3)
  void aForeignDevicesGratuitousArpForAnOwnedVipIsCountedAndReported() throws Exception {
    String vip = VIPS.getFirst();
    int owner = owners().get(vip);

    network.fleetProbe("garp", vip, "--mac", "02:00:00:00:00:ee");

    Scrape.await(
        () -> forwarders.get(owner).scrape(),
        "gatun_fleet_address_conflicts_total",
        Map.of("claimant", "foreign"),
        1,
        GENEROUS);
    var reported =
        operators
            .get(owner)
            .next(
                m ->
                    m.hasObservation()
                        && m.getObservation().getAddressConflictsList().stream()
                            .anyMatch(
                                c ->
                                    c.getAddress().equals(vip)
                                        && c.getMac().equals("02:00:00:00:00:ee")
                                        && c.getPeer().isEmpty()));
    assertThat(reported.getObservation().getVipsOwnedList()).contains(vip);
    assertThat(owners().get(vip)).as("a foreign claim does not move the VIP").isEqualTo(owner);
  }

  @Test
  @Order(4)
  void withTheOperatorsStoppedKillingAnOwnerMovesItsVipsAndNewConnectionsSucceed()
      throws Exception {
    operators.forEach(FakeOperator::close); // failover needs neither operator nor API server
    Map<String, Integer> before = owners();
    String vip = VIPS.getFirst();
    int victim = before.get(vip);
    List<String> itsVips = VIPS.stream().filter(v -> before.get(v) == victim).toList();

    Traffic t;
    long answeredAfterMillis;
    try (LiveTraffic live = network.liveTraffic(vip, List.of("--timeout", "1"))) {
      live.awaitAnswers(BACKENDS, 2, System.currentTimeMillis(), Duration.ofSeconds(60));
      long killedAt = System.nanoTime();
      forwarders.get(victim).kill();
      gone[victim] = true;
      Await.until(
          () -> {
            List<String> a = answering(vip);
            return !a.isEmpty() && !a.contains(macs.get(victim));
          },
          GENEROUS,
          () -> vip + " is not answered by another forwarder: " + answering(vip));
      answeredAfterMillis = (System.nanoTime() - killedAt) / 1_000_000;
      System.out.printf(
          "FleetFailoverE2E: %s answered by a new owner %d ms after kill -9 of its owner"
              + " (includes the 0.5 s ARP probes)%n",
          vip, answeredAfterMillis);
      live.awaitAnswers(BACKENDS, 3, System.currentTimeMillis(), Duration.ofSeconds(60));
      t = live.stop();
    }
    assertThat(answeredAfterMillis).isLessThan(GENEROUS.toMillis());
    Map<String, Integer> after = owners();
    for (String v : itsVips) {
      assertThat(after.get(v)).as("%s moved off the dead forwarder", v).isNotEqualTo(victim);
    }
    for (String v : VIPS) {
      if (before.get(v) != victim) {
        assertThat(after.get(v)).as("%s, not the dead one's, stayed", v).isEqualTo(before.get(v));
      }
    }
    assertThat(network.traffic(vip, 20).failed()).as("new connections after the move").isZero();
    double takeovers = 0;
    double seconds = 0;
    for (int f = 0; f < 3; f++) {
      if (!gone[f]) {
        takeovers += scrape(f).value("gatun_fleet_failover_seconds_count", Map.of());
        seconds += scrape(f).value("gatun_fleet_failover_seconds_sum", Map.of());
      }
    }
    assertThat(takeovers)
        .as("the new owner timed its takeover (detection → first GARP)")
        .isPositive();
    System.out.printf(
        "FleetFailoverE2E: detection → first GARP %.1f ms (mean of %.0f takeovers)%n",
        seconds / takeovers * 1000, takeovers);
    System.out.printf(
        "FleetFailoverE2E: %d of %d requests failed across the kill (full NAT: in flight ones)%n",
        t.failed(), t.requests().size());
  }

  @Test
  @Order(5)
  void aGracefulStopFailsNoUdpRequestAndAtMostTheTcpConnectionCaughtBySwitch() throws Exception {
    Map<String, Integer> before = owners();
    String vip = VIPS.stream().filter(v -> before.get(v) != null).findFirst().orElseThrow();
    int leaving = before.get(vip);

    Traffic t;
    try (LiveTraffic live = network.liveTraffic(vip, List.of("--timeout", "2"))) {
      live.awaitAnswers(BACKENDS, 2, System.currentTimeMillis(), Duration.ofSeconds(60));
      forwarders.get(leaving).close(); // SIGTERM: hand over, forward 3 s more, exit
      gone[leaving] = true;
      live.awaitAnswers(BACKENDS, 3, System.currentTimeMillis(), Duration.ofSeconds(60));
      t = live.stop();
    }
    List<Traffic.Request> failed = t.requests().stream().filter(Traffic.Request::failed).toList();
    assertThat(failed)
        .as("UDP requests across the graceful stop: the old owner forwards for its grace period")
        .noneMatch(r -> r.protocol().equals("udp"));
    // Full NAT: a TCP connection opened through the leaving forwarder whose next packet reaches
    // the new owner (after its gratuitous ARP) is reset by the backend, which knows it by the old
    // forwarder's SNAT address. At most the one connection open at the switch: in NAT and DSR
    // modes (the client's address kept) it continues (not testable on this rig: backends here
    // answer clients directly).
    assertThat(failed)
        .as("full-NAT TCP connections caught by the switch: %s", failed)
        .hasSizeLessThanOrEqualTo(1);
    System.out.printf(
        "FleetFailoverE2E: graceful stop: %d of %d requests failed%n",
        failed.size(), t.requests().size());
    int last = IntStream.range(0, 3).filter(i -> !gone[i]).findFirst().orElseThrow();
    assertThat(owners().values()).as("the last forwarder owns everything").containsOnly(last);
  }
}
