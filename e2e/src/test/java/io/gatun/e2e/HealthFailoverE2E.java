package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.e2e.rig.Failover;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.Scrape;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Probe-driven failover for real: a forwarder process on an af_packet port, three backends in
 * network namespaces, client traffic through the VIP, snapshots from a scripted operator over real
 * gRPC with a health check at period 200 ms, unhealthyThreshold 3, healthyThreshold 2. A broken
 * backend must leave rotation within 1.5 s, the others must not fail a single request meanwhile,
 * and the backend must come back after two successes once restored.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class HealthFailoverE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  static final String VIP = "198.18.0.200";
  private static final int PERIOD_MILLIS = 200;
  private static final int HEALTHY_THRESHOLD = 2;
  private static final Duration BROKEN_FOR = Duration.ofSeconds(3);

  /** A request that left this long before the break may have been in flight to it. */
  private static final long IN_FLIGHT_MILLIS = 600;

  private static final AtomicLong generation = new AtomicLong(System.currentTimeMillis());
  private static TestNetwork network;
  private static FakeOperator operator;
  private static TestForwarder forwarder;

  private static Rig<FakeOperator> rig;

  @BeforeAll
  static void up() throws IOException {
    rig = Rig.scripted(ROOT, "e2e-hc");
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

  static HealthCheck.Builder check(HealthCheck.Type type, int periodMillis, int unhealthy) {
    return Snapshots.healthCheck(type, "e2e/" + type.name().toLowerCase())
        .setPeriodMillis(periodMillis)
        .setTimeoutMillis(periodMillis) // as long as the period allows: no false verdicts
        .setUnhealthyThreshold(unhealthy)
        .setHealthyThreshold(HEALTHY_THRESHOLD);
  }

  static VirtualService service(
      String name, Protocol protocol, int port, int backendPort, HealthCheck.Builder check) {
    VirtualService.Builder vs =
        VirtualService.newBuilder()
            .setKey("e2e/web/" + name)
            .setVip(VIP)
            .setPort(port)
            .setProtocol(protocol)
            .setMode(ForwardingMode.FULL_NAT)
            .setScheduling(Scheduling.MAGLEV)
            .setMaglevTableSize(65537) // as the operator resolves them: forwarders default nothing
            .setHealthCheck(check);
    for (int n = 1; n <= 3; n++) {
      vs.addBackends(
          Backend.newBuilder()
              .setAddress(TestNetwork.backend(n))
              .setPort(backendPort)
              .setWeight(1));
    }
    return vs.build();
  }

  static Snapshot snapshot(VirtualService service) {
    return Snapshot.newBuilder()
        .setSnapshotVersion(generation.incrementAndGet())
        .addServices(service)
        .build();
  }

  /** Applies the service and checks every backend answers before anything breaks. */
  private static void serve(VirtualService service, List<String> protocolArgs) {
    operator.apply(snapshot(service));
    java.util.List<String> warm = new java.util.ArrayList<>(List.of("--requests", "30"));
    warm.addAll(protocolArgs);
    Traffic t = network.traffic(VIP, warm);
    assertThat(t.failed()).as("warm-up (forwarder log:\n%s)", forwarder.logTail()).isZero();
    assertThat(t.tcpFailed() + t.udpFailed()).isZero();
  }

  private static void assertFailover(Failover f, String victim, String... others) {
    System.out.println(victim + ": " + f.summary());
    assertThat(f.outOfRotationMillis())
        .as("broken backend out of rotation after the break (ms)")
        .isBetween(0L, 1500L);
    List<Traffic.Request> outside = f.failuresOutsideTheWindow(IN_FLIGHT_MILLIS);
    assertThat(outside)
        .as(
            "failed requests while the broken backend was out of rotation (it only may fail):%s"
                + "%nforwarder drops: %s",
            f.around(outside), drops())
        .isEmpty();
    for (String other : others) {
      assertThat(f.answeredBy(other, f.brokenAt(), f.restoredAt()))
          .as("%s keeps answering while %s is broken", other, victim)
          .isPositive();
    }
    assertThat(f.answeredBy(victim, f.brokenAt() - 1500, f.brokenAt()))
        .as("%s answered before the break", victim)
        .isPositive();
    assertThat(f.backInRotationMillis())
        .as("back in rotation after healthyThreshold successes (ms)")
        .isBetween(0L, (HEALTHY_THRESHOLD + 1L) * PERIOD_MILLIS + 500);
    assertThat(f.answeredBy(victim, f.backAt(), Long.MAX_VALUE))
        .as("%s answers again once back", victim)
        .isPositive();
  }

  /** The data plane's non-zero drop counters, for failure messages. */
  /**
   * What the forwarder lost, for a failure's story: packets it dropped by reason, and those its
   * port missed or refused (a worker that fell behind: a stall, not a routing fault).
   */
  private static String drops() {
    var scrape = new Scrape(forwarder.get("/metrics").body());
    return scrape.nonZero("gatun_dropped_packets_total")
        + " port: "
        + scrape.nonZero("gatun_port_rx_missed_packets_total")
        + scrape.nonZero("gatun_port_rx_errors_total");
  }

  @Test
  void tcpProbeTakesAKilledBackendOutAndARestartedOneBackIn() {
    List<String> tcpOnly = List.of("--no-udp", "--timeout", "0.5");
    serve(
        service("http", Protocol.TCP, 80, 8080, check(HealthCheck.Type.TCP, PERIOD_MILLIS, 3)),
        tcpOnly);

    Failover f =
        Failover.run(
            network,
            operator,
            VIP,
            tcpOnly,
            new Failover.Fault(2, () -> network.killBackend(2), () -> network.startBackend(2)),
            BROKEN_FOR);

    assertFailover(f, "backend-2", "backend-1", "backend-3");
    assertThat(f.failures())
        .as(
            "only the killed backend fails requests: refused by its closed port, or in flight"
                + " when it died or left rotation (its flow moves to another backend)")
        .allSatisfy(
            r ->
                assertThat(r.outcome())
                    .containsAnyOf("refused", "reset", "HTTP  from", "timed out"));
  }

  @Test
  void httpProbeTakesABackendAnswering503OutAndBackWhenItRecovers() {
    List<String> tcpOnly = List.of("--no-udp", "--timeout", "0.5");
    serve(
        service(
            "http",
            Protocol.TCP,
            80,
            8080,
            check(HealthCheck.Type.HTTP, PERIOD_MILLIS, 3).setHttpPath("/healthz")),
        tcpOnly);

    Failover f =
        Failover.run(
            network,
            operator,
            VIP,
            tcpOnly,
            new Failover.Fault(3, () -> network.sick(3), () -> network.well(3)),
            BROKEN_FOR);

    assertFailover(f, "backend-3", "backend-1", "backend-2");
    assertThat(f.failures())
        .as(
            "every failed request is a 503 of the sick backend, or was in flight to it when it"
                + " left rotation (its flow moves to another backend)")
        .allSatisfy(
            r ->
                assertThat(r.outcome())
                    .containsAnyOf("HTTP 503 from backend-3 unavailable", "timed out", "reset"));
  }

  @Test
  void udpProbeTakesAKilledBackendOutAndARestartedOneBackIn() {
    List<String> udpOnly = List.of("--no-tcp", "--timeout", "0.3");
    serve(
        service(
            "dns",
            Protocol.UDP,
            53,
            5353,
            check(HealthCheck.Type.UDP, PERIOD_MILLIS, 3)
                .setSend(ByteString.copyFrom("ping", StandardCharsets.US_ASCII))
                .setExpect(ByteString.copyFrom("ping", StandardCharsets.US_ASCII))),
        udpOnly);

    Failover f =
        Failover.run(
            network,
            operator,
            VIP,
            udpOnly,
            new Failover.Fault(1, () -> network.killBackend(1), () -> network.startBackend(1)),
            BROKEN_FOR);

    assertFailover(f, "backend-1", "backend-2", "backend-3");
  }
}
