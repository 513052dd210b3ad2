package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.PassiveCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.e2e.rig.Failover;
import io.gatun.e2e.rig.LiveTraffic;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Passive health for real: the forwarder's data plane sees new connections to a backend fail (RST
 * from a killed server, ICMP port unreachable from a firewall) and the backend leaves rotation on
 * that alone, long before its 1 s × 3 TCP probe would notice; the probe brings it back. A backend
 * whose SYN-ACKs come a second late stays, and when every backend fails at once no more than
 * maxEjectedPercent of them leave. Client traffic at 100 requests/s through the VIP, a scripted
 * operator over real gRPC, backends in network namespaces.
 *
 * <p>The bounds are generous (a busy machine); the real figures are printed. The goal of the issue
 * (out of rotation within 100 ms of the first failures) is a benchmark figure, not asserted here.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class PassiveHealthE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  private static final int PROBE_PERIOD_MILLIS = 1000;
  private static final int HEALTHY_THRESHOLD = 2;
  private static final int CONSECUTIVE_FAILURES = 3;
  private static final Duration BROKEN_FOR = Duration.ofSeconds(3);

  /** At most this many failed requests per broken backend (the real figure is printed). */
  private static final int FAILED_BOUND = 15;

  /** A request that left this long before the break may have been in flight to it. */
  private static final long IN_FLIGHT_MILLIS = 600;

  private static final List<String> TRAFFIC =
      List.of("--no-udp", "--timeout", "0.5", "--rate", "100");

  private static TestNetwork network;
  private static FakeOperator operator;
  private static TestForwarder forwarder;
  private static Rig<FakeOperator> rig;

  @BeforeAll
  static void up() throws IOException {
    rig = Rig.scripted(ROOT, "e2e-ph");
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

  private static PassiveCheck.Builder passive() {
    return PassiveCheck.newBuilder()
        .setConsecutiveFailures(CONSECUTIVE_FAILURES)
        .setWindowMillis(2000)
        .setEjectionTimeMillis(30_000)
        .setMaxEjectedPercent(50);
  }

  /** A slow TCP probe (1 s × 3) with passive health: what leaves fast left on passive verdicts. */
  private static HealthCheck.Builder probedAndPassive() {
    return Snapshots.healthCheck(HealthCheck.Type.TCP, "e2e/passive")
        .setPeriodMillis(PROBE_PERIOD_MILLIS)
        .setTimeoutMillis(500)
        .setUnhealthyThreshold(3)
        .setHealthyThreshold(HEALTHY_THRESHOLD)
        .setPassive(passive());
  }

  private static void serve(HealthCheck.Builder check) {
    operator.apply(
        HealthFailoverE2E.snapshot(
            HealthFailoverE2E.service("http", Protocol.TCP, 80, 8080, check)));
    Traffic warm = network.traffic(HealthFailoverE2E.VIP, List.of("--no-udp", "--requests", "30"));
    assertThat(warm.failed()).as("warm-up (forwarder log:\n%s)", forwarder.logTail()).isZero();
  }

  private static void assertEjectedPassively(Failover f, Failover.Fault fault) {
    System.out.printf("passive health, %s broken: %s%n", fault.name(), f.summary());
    BackendHealth out =
        operator
            .awaitHealth(
                h -> h.getAddress().equals(fault.address()) && !h.getHealthy(), Duration.ZERO)
            .health();
    assertThat(out.getPassiveFailure())
        .as("out of rotation on the data plane's verdict, not the probe's: %s", out)
        .isTrue();
    assertThat(out.getReason()).startsWith("PassiveFailure: ");
    assertThat(f.failures())
        .as("failed requests for one broken backend (at most a handful)")
        .hasSizeLessThanOrEqualTo(FAILED_BOUND);
    List<Traffic.Request> outside = f.failuresOutsideTheWindow(IN_FLIGHT_MILLIS);
    assertThat(outside)
        .as("failed requests once the broken backend was out of rotation:%s", f.around(outside))
        .isEmpty();
    assertThat(f.backInRotationMillis())
        .as("brought back by its probe after the restore (ms)")
        .isBetween(0L, (HEALTHY_THRESHOLD + 2L) * PROBE_PERIOD_MILLIS + 10_000);
    BackendHealth back =
        operator
            .awaitHealth(
                h -> h.getAddress().equals(fault.address()) && h.getHealthy(), Duration.ZERO)
            .health();
    assertThat(back.getPassiveFailure()).isFalse();
  }

  @Test
  void aKilledServerResetsConnectionsAndLeavesBeforeItsProbeNotices() {
    serve(probedAndPassive());
    Failover.Fault fault =
        new Failover.Fault(2, () -> network.killBackend(2), () -> network.startBackend(2));

    Failover f = Failover.run(network, operator, HealthFailoverE2E.VIP, TRAFFIC, fault, BROKEN_FOR);

    assertEjectedPassively(f, fault);
    assertThat(f.failures())
        .allSatisfy(r -> assertThat(r.outcome()).containsAnyOf("refused", "reset", "timed out"));
    assertThat(backendCounter("gatun_backend_syn_resets_total", fault.address()))
        .as("the RSTs that ejected it, in the metrics though its counters left the data plane")
        .isGreaterThanOrEqualTo(CONSECUTIVE_FAILURES);
  }

  @Test
  void aPortAnsweringIcmpUnreachableLeavesBeforeItsProbeNotices() {
    serve(probedAndPassive());
    Failover.Fault fault =
        new Failover.Fault(3, () -> network.reject(3, true), () -> network.reject(3, false));

    Failover f = Failover.run(network, operator, HealthFailoverE2E.VIP, TRAFFIC, fault, BROKEN_FOR);

    assertEjectedPassively(f, fault);
    assertThat(backendCounter("gatun_backend_icmp_unreachable_total", fault.address()))
        .as("the ICMP unreachables that ejected it, in the metrics")
        .isGreaterThanOrEqualTo(CONSECUTIVE_FAILURES);
  }

  /** One of the agent's per-backend counters for the backend at {@code address}, port 8080. */
  private static double backendCounter(String metric, String address) {
    String backend = "backend=\"" + address + ":8080\"";
    return forwarder
        .scrape()
        .lines()
        .filter(l -> l.startsWith(metric + "{") && l.contains(backend))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void aBackendWhoseSynAcksComeLateStays() {
    serve(probedAndPassive());
    operator.forgetHealth();
    // Sequential requests: each one to the slow backend waits a second for its SYN-ACK.
    List<String> patient = List.of("--no-udp", "--timeout", "3", "--rate", "100");
    network.slow(1, true);
    Traffic t;
    try (LiveTraffic traffic = network.liveTraffic(HealthFailoverE2E.VIP, patient)) {
      long since = System.currentTimeMillis();
      // Several times the failures that would eject it, each answered a second late.
      traffic.awaitAnswers(
          List.of("backend-1"), 4 * CONSECUTIVE_FAILURES, since, Duration.ofSeconds(120));
      t = traffic.stop();
    } finally {
      network.slow(1, false);
    }
    System.out.printf(
        "passive health, slow backend-1: %d requests, %d failed, no verdict: %s%n",
        t.requests().size(), t.failed(), operator.healthReports());
    assertThat(operator.healthReports()).as("no backend left rotation").isEmpty();
    assertThat(t.failed()).as("every request answered, late or not").isZero();
  }

  @Test
  void aSilentHostLeavesOnUnansweredSynsAndReturnsOnTrial() {
    // Passive alone (a probe would see the silence too): SYNs unanswered for the window while the
    // other backends answer, then back on trial after the ejection time.
    serve(
        HealthCheck.newBuilder()
            .setProbe("e2e/passive-silent")
            .setType(HealthCheck.Type.PASSIVE)
            .setPassive(passive().setEjectionTimeMillis(3000)));
    Failover.Fault fault =
        new Failover.Fault(1, () -> network.silent(1, true), () -> network.silent(1, false));

    Failover f = Failover.run(network, operator, HealthFailoverE2E.VIP, TRAFFIC, fault, BROKEN_FOR);

    System.out.printf("passive health, %s silent: %s%n", fault.name(), f.summary());
    BackendHealth out =
        operator
            .awaitHealth(
                h -> h.getAddress().equals(fault.address()) && !h.getHealthy(), Duration.ZERO)
            .health();
    assertThat(out.getPassiveFailure()).isTrue();
    assertThat(out.getReason())
        .contains(" unanswered after 2000 ms")
        .doesNotContain(" 0 unanswered");
    assertThat(f.failuresOutsideTheWindow(IN_FLIGHT_MILLIS))
        .as("failed requests once the silent backend was out of rotation")
        .isEmpty();
    assertThat(f.failures())
        .as("failed requests: each waited for the client's timeout while the window ran")
        .hasSizeLessThanOrEqualTo(3 * FAILED_BOUND);
    BackendHealth back =
        operator
            .awaitHealth(
                h -> h.getAddress().equals(fault.address()) && h.getHealthy(), Duration.ZERO)
            .health();
    assertThat(back.getReason()).startsWith("back on trial after ");
  }

  @Test
  void whenEveryBackendFailsNoMoreThanMaxEjectedPercentLeave() {
    // Passive alone: the probes, refused too, would take the others out on their own.
    serve(
        HealthCheck.newBuilder()
            .setProbe("e2e/passive-only")
            .setType(HealthCheck.Type.PASSIVE)
            .setPassive(passive()));
    operator.forgetHealth();
    try (LiveTraffic traffic = network.liveTraffic(HealthFailoverE2E.VIP, TRAFFIC)) {
      traffic.awaitAnswers(
          network.backendNames(),
          Failover.ANSWERS,
          System.currentTimeMillis(),
          Duration.ofSeconds(60));
      for (int n = 1; n <= 3; n++) {
        network.reject(n, true);
      }
      try {
        operator.awaitHealth(h -> !h.getHealthy(), Duration.ofSeconds(30));
        // Every backend keeps failing for 3 s more: the others' runs are long enough, but there
        // is no room. (What is asserted is that nothing happens meanwhile: a span, not a wait.)
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      } finally {
        for (int n = 1; n <= 3; n++) {
          network.reject(n, false);
        }
      }
      traffic.stop();
    }
    List<FakeOperator.HealthReport> reports = operator.healthReports();
    System.out.printf("passive health, every backend refusing: %s%n", reports);
    assertThat(reports.stream().filter(r -> !r.health().getHealthy()))
        .as("50%% of 3 backends: one out of rotation, never more")
        .hasSize(1)
        .allSatisfy(r -> assertThat(r.health().getPassiveFailure()).isTrue());
  }
}
