package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.Scrape;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's /metrics after known traffic: per-backend packets, bytes and connections match what
 * the client sent through the VIP, within one burst (32 packets), and the status endpoints say what
 * they mean.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class MetricsE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  private static final String VIP = "198.18.0.210";
  private static final String SERVICE = "e2e/metrics/dns";
  private static final int REQUESTS = 150;
  private static final int PAYLOAD = 200;
  private static final long BURST = 32;

  /** Ethernet + IPv4 + UDP headers of a frame on the wire (no FCS). */
  private static final int FRAME_OVERHEAD = 14 + 20 + 8;

  private static TestNetwork network;
  private static FakeOperator operator;
  private static TestForwarder forwarder;

  private static Rig<FakeOperator> rig;

  @BeforeAll
  static void up() throws IOException {
    rig = Rig.scripted(ROOT, "e2e-metrics");
    network = rig.network;
    operator = rig.operator;
    forwarder = rig.forwarder;
  }

  @AfterAll
  static void down() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void perBackendCountersMatchTheTrafficSent() {
    awaitAlive();
    assertThat(forwarder.get("/readyz").statusCode())
        .as("not ready before the operator's snapshot")
        .isEqualTo(503);
    VirtualService.Builder dns =
        VirtualService.newBuilder()
            .setKey(SERVICE)
            .setVip(VIP)
            .setPort(53)
            .setProtocol(Protocol.UDP)
            .setMode(ForwardingMode.FULL_NAT)
            .setScheduling(Scheduling.MAGLEV)
            .setMaglevTableSize(65537); // as the operator resolves them: forwarders default nothing
    for (int n = 1; n <= 3; n++) {
      dns.addBackends(
          Backend.newBuilder().setAddress(TestNetwork.backend(n)).setPort(5353).setWeight(1));
    }
    operator.apply(
        Snapshot.newBuilder()
            .setSnapshotVersion(System.currentTimeMillis())
            .addServices(dns)
            .build());
    assertThat(forwarder.get("/readyz").statusCode()).isEqualTo(200);

    Traffic t =
        network.traffic(
            VIP,
            List.of(
                "--no-tcp",
                "--requests",
                Integer.toString(REQUESTS),
                "--udp-size",
                Integer.toString(PAYLOAD)));
    assertThat(t.udpFailed()).as("forwarder log:\n%s", forwarder.logTail()).isZero();
    Scrape scrape = new Scrape(forwarder.get("/metrics").body());

    long totalPackets = 0;
    for (int n = 1; n <= 3; n++) {
      long answered = t.udp().getOrDefault("backend-" + n, 0);
      Map<String, String> labels =
          Map.of("vip", VIP, "service", SERVICE, "backend", TestNetwork.backend(n) + ":5353");
      // A request and its answer: the answer carries "backend-N " before the echoed payload.
      long bytesPerRequest = 2L * (FRAME_OVERHEAD + PAYLOAD) + ("backend-" + n + " ").length();
      System.out.printf(
          "backend-%d: answered %d, counted %.0f packets %.0f bytes %.0f flows (expected %d / %d / %d)%n",
          n,
          answered,
          scrape.value("gatun_backend_packets_total", labels),
          scrape.value("gatun_backend_bytes_total", labels),
          scrape.value("gatun_backend_connections_total", labels),
          2 * answered,
          answered * bytesPerRequest,
          answered);
      assertThat((long) scrape.value("gatun_backend_packets_total", labels))
          .as("backend-%d packets (it answered %d requests)", n, answered)
          .isCloseTo(2 * answered, within(BURST));
      assertThat((long) scrape.value("gatun_backend_bytes_total", labels))
          .as("backend-%d bytes", n)
          .isCloseTo(answered * bytesPerRequest, within(BURST * (FRAME_OVERHEAD + PAYLOAD + 10)));
      assertThat((long) scrape.value("gatun_backend_connections_total", labels))
          .as("backend-%d flows: one per request (a new source port each)", n)
          .isCloseTo(answered, within(BURST));
      totalPackets += 2 * answered;
    }
    assertThat(totalPackets).isEqualTo(2L * REQUESTS);
    assertThat(
            (long) scrape.value("gatun_vip_packets_total", Map.of("vip", VIP, "protocol", "UDP")))
        .isCloseTo(totalPackets, within(BURST));
    assertThat(scrape.value("gatun_dataplane_rx_packets_total", Map.of()))
        .isGreaterThanOrEqualTo(totalPackets);
    assertThat(scrape.value("gatun_snapshot_version", Map.of())).isPositive();
    assertThat(scrape.value("gatun_port_link_up", Map.of("port", "net_af_packet0"))).isEqualTo(1);
  }

  private static void awaitAlive() {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      assertThat(forwarder.alive()).as("forwarder log:\n%s", forwarder.logTail()).isTrue();
      try {
        if (forwarder.get("/healthz").statusCode() == 200) {
          return;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("the forwarder never became alive:\n" + forwarder.logTail());
  }
}
