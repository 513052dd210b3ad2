package io.gatun.forwarder.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Snapshot;
import io.gatun.forwarder.health.HealthStatus;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.ScriptedProbe;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.fwd.ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Snapshot minus unhealthy backends, with a scripted prober at a 20 ms period. */
class ServingStateTest {
  private static final Duration SOON = Duration.ofSeconds(5);

  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final ScriptedProbe probe = new ScriptedProbe();
  private final List<String> reported = new CopyOnWriteArrayList<>();
  private final ServingState serving =
      new ServingState(
          dataPlane, type -> probe, this::upstream, Clock.systemUTC(), new SimpleMeterRegistry());

  @AfterEach
  void stop() {
    serving.close();
  }

  /** Records what upstream hears, and what the data plane served at that moment. */
  private void upstream(HealthStatus s) {
    reported.add(
        s.key().address().getHostAddress()
            + (s.healthy() ? " healthy" : " unhealthy")
            + " while serving "
            + serving());
  }

  private List<String> serving() {
    ServiceSpec spec = dataPlane.last().getFirst();
    return spec.backends().stream().map(b -> b.address().getHostAddress()).toList();
  }

  private static HealthCheck.Builder tcpCheck(int periodMillis) {
    return HealthCheck.newBuilder()
        .setProbe("default/tcp")
        .setType(HealthCheck.Type.TCP)
        .setPeriodMillis(periodMillis)
        .setTimeoutMillis(10)
        .setUnhealthyThreshold(3)
        .setHealthyThreshold(2);
  }

  private static List<DesiredService> desired(HealthCheck.Builder check, String... backends) {
    return desired(check, List.of(backends), List.of());
  }

  private static List<DesiredService> desired(
      HealthCheck.Builder check, List<String> backends, List<String> draining) {
    var vs =
        Snapshots.draining(
            Snapshots.service(backends.toArray(String[]::new)), draining.toArray(String[]::new));
    if (check != null) {
      vs.setHealthCheck(check);
    }
    return SnapshotApplier.translate(Snapshot.newBuilder().addServices(vs).build()).services();
  }

  /** What the data plane serves, a draining backend marked so. */
  private List<String> servingAndDraining() {
    ServiceSpec spec = dataPlane.last().getFirst();
    return spec.backends().stream()
        .map(b -> b.address().getHostAddress() + (b.draining() ? " draining" : ""))
        .toList();
  }

  @Test
  void anUnhealthyBackendLeavesTheDataPlaneBeforeUpstreamHearsAndReturnsAfterHealthySuccesses() {
    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12", "198.18.0.13"));
    assertThat(serving()).containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13");

    probe.down("198.18.0.12");
    Await.until(() -> !reported.isEmpty(), SOON, () -> "no transition reported");
    assertThat(reported.getFirst())
        .isEqualTo("198.18.0.12 unhealthy while serving [198.18.0.11, 198.18.0.13]");

    probe.up("198.18.0.12");
    Await.until(() -> reported.size() == 2, SOON, () -> "no recovery reported: " + reported);
    assertThat(reported.get(1))
        .isEqualTo("198.18.0.12 healthy while serving [198.18.0.11, 198.18.0.12, 198.18.0.13]");
  }

  @Test
  void aServiceWithoutAHealthCheckKeepsEveryBackendAndIsNotProbed() {
    probe.down("198.18.0.12");
    serving.replace(desired(null, "198.18.0.11", "198.18.0.12"));

    sleep(150);
    assertThat(serving()).containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(serving.healthStatuses()).isEmpty();
    assertThat(dataPlane.commitCount()).isEqualTo(1);
  }

  @Test
  void whenEveryBackendIsUnhealthyTheServiceKeepsThemAll() {
    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12"));
    probe.down("198.18.0.11");
    Await.until(() -> reported.size() == 1, SOON, () -> "first backend never left");
    probe.down("198.18.0.12");
    Await.until(() -> reported.size() == 2, SOON, () -> "second backend never left");

    assertThat(serving()).containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(serving.healthStatuses()).noneMatch(HealthStatus::healthy);
  }

  @Test
  void aNewSnapshotKeepsTheHealthOfBackendsItStillHasAndStartsNewOnesHealthy() {
    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12"));
    probe.down("198.18.0.12");
    Await.until(() -> reported.size() == 1, SOON, () -> "backend never left");

    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12", "198.18.0.14"));

    assertThat(serving()).containsExactly("198.18.0.11", "198.18.0.14");
    assertThat(serving.healthStatuses()).hasSize(3);
  }

  @Test
  void aChangedHealthCheckJudgesAgainFromHealthy() {
    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12"));
    probe.down("198.18.0.12");
    Await.until(() -> reported.size() == 1, SOON, () -> "backend never left");

    serving.replace(desired(tcpCheck(1000), "198.18.0.11", "198.18.0.12"));

    assertThat(serving()).containsExactly("198.18.0.11", "198.18.0.12");
  }

  @Test
  void aRefusedSnapshotLeavesServingAndProbingAsTheyWere() {
    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12"));
    dataPlane.failWith = "out of memory";

    try {
      serving.replace(desired(null, "198.18.0.13"));
    } catch (IllegalArgumentException expected) {
      // the data plane's refusal of the whole commit
    }

    assertThat(serving.desired().getFirst().healthCheck()).isPresent();
    assertThat(serving.healthStatuses()).hasSize(2);
  }

  @Test
  void aRefusedServiceIsNotProbedAndStaysRefusedWhileHealthRecommitsServeTheOthers() {
    dataPlane.refuseVip.put("198.18.0.201", "198.18.0.201:80/TCP: no route to backend");
    var good = Snapshots.service("198.18.0.11", "198.18.0.12").setHealthCheck(tcpCheck(20));
    var bad =
        SnapshotApplierTest.other("default/bad/http", "198.18.0.201", "198.18.0.12")
            .setHealthCheck(tcpCheck(20));
    List<DesiredService> both =
        SnapshotApplier.translate(Snapshot.newBuilder().addServices(bad).addServices(good).build())
            .services();

    assertThat(serving.replace(both))
        .containsExactly(Map.entry("default/bad/http", "198.18.0.201:80/TCP: no route to backend"));
    assertThat(serving.healthStatuses())
        .as("only the running service's backends are probed")
        .hasSize(2)
        .allMatch(h -> h.key().serviceKey().equals("default/web/http"));
    assertThat(serving.vipsServed()).containsExactly("198.18.0.200");

    probe.down("198.18.0.12");
    Await.until(() -> !reported.isEmpty(), SOON, () -> "no transition reported");
    assertThat(reported.getFirst())
        .as("the recommit runs the other service without the unhealthy backend")
        .isEqualTo("198.18.0.12 unhealthy while serving [198.18.0.11]");
    assertThat(dataPlane.last())
        .extracting(spec -> spec.vip().getHostAddress())
        .containsExactly("198.18.0.200");
  }

  @Test
  void aDrainingBackendWhoseProbeFailsLeavesAndComesBackDraining() {
    serving.replace(
        desired(tcpCheck(20), List.of("198.18.0.11", "198.18.0.12"), List.of("198.18.0.13")));
    assertThat(servingAndDraining())
        .containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13 draining");

    probe.down("198.18.0.13");
    Await.until(() -> reported.size() == 1, SOON, () -> "draining backend never left");
    assertThat(reported.getFirst())
        .isEqualTo("198.18.0.13 unhealthy while serving [198.18.0.11, 198.18.0.12]");

    probe.up("198.18.0.13");
    Await.until(() -> reported.size() == 2, SOON, () -> "draining backend never came back");
    assertThat(servingAndDraining())
        .containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13 draining");
  }

  @Test
  void failOpenServesEveryServingBackendAndDrainingOnesStayDraining() {
    serving.replace(
        desired(tcpCheck(20), List.of("198.18.0.11", "198.18.0.12"), List.of("198.18.0.13")));
    probe.down("198.18.0.11");
    probe.down("198.18.0.12");
    Await.until(() -> reported.size() == 2, SOON, () -> "serving backends never failed");

    assertThat(servingAndDraining())
        .as("a healthy draining backend does not stop fail open: it takes no new connections")
        .containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13 draining");

    probe.down("198.18.0.13");
    Await.until(() -> reported.size() == 3, SOON, () -> "draining backend never failed");
    assertThat(servingAndDraining())
        .as("failing open never keeps an unhealthy draining backend")
        .containsExactly("198.18.0.11", "198.18.0.12");
  }

  @Test
  void aServiceWithOnlyDrainingBackendsIsStillServedSoTheirConnectionsGoOn() {
    serving.replace(desired(tcpCheck(20), List.of(), List.of("198.18.0.12", "198.18.0.13")));
    assertThat(servingAndDraining())
        .containsExactly("198.18.0.12 draining", "198.18.0.13 draining");

    probe.down("198.18.0.12");
    Await.until(() -> reported.size() == 1, SOON, () -> "draining backend never left");
    assertThat(servingAndDraining()).containsExactly("198.18.0.13 draining");

    probe.down("198.18.0.13");
    Await.until(() -> reported.size() == 2, SOON, () -> "last draining backend never left");
    assertThat(dataPlane.last())
        .as("the service stays, without backends: no fail open for draining ones")
        .singleElement()
        .satisfies(spec -> assertThat(spec.backends()).isEmpty());
  }

  @Test
  void aBackendKeepsItsHealthWhenItStartsDraining() {
    serving.replace(desired(tcpCheck(20), "198.18.0.11", "198.18.0.12"));
    probe.down("198.18.0.12");
    Await.until(() -> reported.size() == 1, SOON, () -> "backend never left");

    serving.replace(desired(tcpCheck(20), List.of("198.18.0.11"), List.of("198.18.0.12")));

    assertThat(servingAndDraining()).containsExactly("198.18.0.11");
    assertThat(serving.healthStatuses()).hasSize(2);
  }

  @Test
  void withoutAHealthCheckDrainingBackendsPassThrough() {
    serving.replace(desired(null, List.of("198.18.0.11"), List.of("198.18.0.12")));

    assertThat(servingAndDraining()).containsExactly("198.18.0.11", "198.18.0.12 draining");
    assertThat(serving.healthStatuses()).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
