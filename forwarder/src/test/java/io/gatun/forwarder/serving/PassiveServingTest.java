package io.gatun.forwarder.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.PassiveCheck;
import io.gatun.control.v1.Snapshot;
import io.gatun.forwarder.health.HealthStatus;
import io.gatun.forwarder.metrics.DataPlaneMetrics;
import io.gatun.forwarder.metrics.NamedService;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.ScriptedProbe;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.fwd.BackendStats;
import io.gatun.fwd.PassiveCounters;
import io.gatun.fwd.Protocol;
import io.gatun.fwd.ServiceStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane's passive verdict takes the probe's way out of rotation: the counters the data
 * plane reports (scripted here) eject a backend from the next commit, upstream hears it with
 * passive_failure, and it comes back through the probe, or on trial without one.
 */
class PassiveServingTest {
  private static final Duration SOON = Duration.ofSeconds(10);

  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final ScriptedProbe probe = new ScriptedProbe();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<HealthStatus> reported = new CopyOnWriteArrayList<>();

  /** What the data plane served when upstream heard of each verdict. */
  private final List<List<String>> servedThen = new CopyOnWriteArrayList<>();

  private final ServingState serving =
      new ServingState(dataPlane, type -> probe, this::upstream, Clock.systemUTC(), registry);

  private void upstream(HealthStatus status) {
    servedThen.add(serving());
    reported.add(status);
  }

  @AfterEach
  void stop() {
    probe.resume();
    serving.close();
  }

  private static PassiveCheck.Builder passive(int ejectionMillis) {
    return PassiveCheck.newBuilder()
        .setConsecutiveFailures(3)
        .setWindowMillis(1000)
        .setEjectionTimeMillis(ejectionMillis)
        .setMaxEjectedPercent(50);
  }

  private void serve(HealthCheck.Builder check) {
    var vs = Snapshots.service("198.18.0.11", "198.18.0.12", "198.18.0.13").setHealthCheck(check);
    serving.replace(
        SnapshotApplier.translate(Snapshot.newBuilder().addServices(vs).build()).services());
  }

  /**
   * Raises .12's resets by one at every poll of the condition (the first reading the watch takes is
   * its baseline, whenever its thread gets the CPU) until a verdict is reported.
   */
  private void resetUntilReported() {
    long[] resets = {0};
    Await.until(
        () -> {
          counters(++resets[0]);
          return !reported.isEmpty();
        },
        SOON,
        () -> "no passive verdict after " + resets[0] + " resets");
  }

  /** The data plane's counters: .12 has reset {@code resets} connections, the others answer. */
  private void counters(long resets) {
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                ip("198.18.0.200"),
                Protocol.TCP,
                80,
                0,
                0,
                0,
                0,
                List.of(
                    backend("198.18.0.11", 10, 0),
                    backend("198.18.0.12", 0, resets),
                    backend("198.18.0.13", 10, 0))));
  }

  private static BackendStats backend(String address, long answered, long resets) {
    return new BackendStats(
        ip(address),
        8080,
        0,
        0,
        answered + resets,
        0,
        false,
        new PassiveCounters(answered + resets, 0, answered, resets, 0, 0));
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private List<String> serving() {
    return dataPlane.last().getFirst().backends().stream()
        .map(b -> b.address().getHostAddress())
        .toList();
  }

  @Test
  void resetsEjectAtOnceAndTheProbeBringsTheBackendBack() {
    // No probe answers until the passive verdict has been looked at: on a busy machine the probe
    // (every 20 ms) could otherwise bring .12 back between the verdict and its recommit.
    probe.pause();
    counters(0);
    serve(
        Snapshots.healthCheck(HealthCheck.Type.TCP, "default/tcp")
            .setPeriodMillis(20)
            .setPassive(passive(30_000)));
    resetUntilReported();

    HealthStatus out = reported.getFirst();
    assertThat(out.healthy()).isFalse();
    assertThat(out.passiveFailure()).isTrue();
    assertThat(out.toProto().getPassiveFailure()).isTrue();
    assertThat(out.reason())
        .startsWith("PassiveFailure: ")
        .contains("new connections failed in a row (");
    assertThat(servedThen.getFirst()).containsExactly("198.18.0.11", "198.18.0.13");
    assertThat(
            registry
                .get("gatun.backend.ejections")
                .tag("reason", "PassiveFailure")
                .counter()
                .count())
        .isEqualTo(1);

    // The probe (every 20 ms, all up) returns it after its healthy threshold.
    probe.resume();
    Await.until(() -> reported.size() >= 2, SOON, () -> "the probe never brought it back");
    assertThat(reported.get(1).healthy()).isTrue();
    assertThat(reported.get(1).passiveFailure()).isFalse();
    assertThat(servedThen.get(1)).containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13");
    assertThat(
            registry
                .get("gatun.backend.out.of.rotation")
                .tag("reason", "PassiveFailure")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void passiveOnlyNeedsNoPeriodAndReturnsOnTrial() {
    counters(0);
    serve(
        HealthCheck.newBuilder()
            .setProbe("default/passive")
            .setType(HealthCheck.Type.PASSIVE)
            .setPassive(passive(300)));
    resetUntilReported();

    assertThat(servedThen.getFirst()).containsExactly("198.18.0.11", "198.18.0.13");
    counters(0); // back in the data plane it is counted afresh

    Await.until(() -> reported.size() >= 2, SOON, () -> "never back on trial");
    assertThat(reported.get(1).healthy()).isTrue();
    assertThat(reported.get(1).reason()).isEqualTo("back on trial after 300 ms out of rotation");
    assertThat(servedThen.get(1)).containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13");
  }

  @Test
  void theMetricsKeepTheCountsThatEjectedABackendThoughItsCountersLeaveWithIt() {
    var metrics =
        new DataPlaneMetrics(
            Map::of,
            dataPlane::serviceStats,
            () ->
                List.of(
                    new NamedService(
                        ip("198.18.0.200"),
                        "TCP",
                        80,
                        "default/web/http",
                        Set.of("198.18.0.11:8080", "198.18.0.12:8080", "198.18.0.13:8080"))),
            List.of(),
            port -> true,
            port -> null,
            registry);
    serving.beforePassiveVerdicts(metrics::observe);
    counters(0);
    serve(
        Snapshots.healthCheck(HealthCheck.Type.TCP, "default/tcp")
            .setPeriodMillis(20)
            .setPassive(passive(30_000)));
    resetUntilReported();

    // The recommit left .12 out: the data plane has no counters for it any more.
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                ip("198.18.0.200"),
                Protocol.TCP,
                80,
                0,
                0,
                0,
                0,
                List.of(backend("198.18.0.11", 10, 0), backend("198.18.0.13", 10, 0))));
    metrics.refresh();

    assertThat(
            registry
                .get("gatun.backend.syn.resets")
                .tag("backend", "198.18.0.12:8080")
                .functionCounter()
                .count())
        .as("the resets the detector judged (3 in a row at least), though no scrape saw them")
        .isGreaterThanOrEqualTo(3);
  }
}
