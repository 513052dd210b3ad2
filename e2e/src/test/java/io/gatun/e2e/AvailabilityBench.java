package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.PassiveCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.e2e.rig.Failover;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Availability figures (a benchmark, run by bench/availability.sh, not by {@code make test}):
 * backend killed under TCP traffic → out of rotation, at the HealthProbe defaults (5 s × 3) and at
 * tight settings (200 ms × 3), then the same two with passive health on (issue 16: the data plane's
 * verdict on RSTs to SYNs), over {@code gatun.bench.kills} kills each (default 20); requests failed
 * per kill, and how many of them went to a healthy backend. With passive health the baseline of
 * failed requests per kill is the same probe settings without it (goal: a tenth). Writes a JSON
 * list of {@code {name, value, unit, baseline, ratio}} to {@code gatun.bench.out}.
 */
class AvailabilityBench {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  private static final List<String> TRAFFIC =
      List.of("--no-udp", "--timeout", "0.5", "--rate", "100");
  private static final Duration TIGHT_GOAL = Duration.ofMillis(1500);
  // Issue 16: new connections stop going to a dead backend within 100 ms of the first failures.
  private static final Duration FIRST_FAILURE_GOAL = Duration.ofMillis(100);

  /**
   * Probe settings under test, with passive health ({@code consecutiveFailures} failed new
   * connections in a row eject: 3 is the default) or without (0).
   */
  record Settings(
      String name,
      int periodMillis,
      int timeoutMillis,
      int unhealthy,
      int healthy,
      int consecutiveFailures) {
    boolean passive() {
      return consecutiveFailures > 0;
    }

    /** The same probe settings without passive health: the baseline of failed requests. */
    String probeOnly() {
      return name.replaceFirst(", passive on.*", "");
    }

    /** The most a kill can take to detect: every probe of the streak right after the kill. */
    Duration bound() {
      return Duration.ofMillis((long) unhealthy * periodMillis + timeoutMillis);
    }
  }

  private static TestNetwork network;
  private static FakeOperator operator;
  private static TestForwarder forwarder;

  private static Rig<FakeOperator> rig;

  @BeforeAll
  static void up() throws IOException {
    rig = Rig.scripted(ROOT, "bench-av");
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
  void backendKillToOutOfRotation() throws IOException {
    int kills = Integer.getInteger("gatun.bench.kills", 20);
    List<Map<String, Object>> figures = new ArrayList<>();
    Map<String, Double> failedWithoutPassive = new LinkedHashMap<>();
    // gatun.bench.only: the settings whose name contains it (e.g. "tight"), their figures replacing
    // the same ones in the output file and the others kept; every setting by default
    String only = System.getProperty("gatun.bench.only", "");
    for (Settings s :
        List.of(
            new Settings("tight, 200 ms x 3", 200, 150, 3, 2, 0),
            new Settings("HealthProbe defaults, 5 s x 3", 5000, 1000, 3, 2, 0),
            new Settings("tight, 200 ms x 3, passive on", 200, 150, 3, 2, 3),
            new Settings("HealthProbe defaults, 5 s x 3, passive on", 5000, 1000, 3, 2, 3),
            // consecutiveFailures is a floor on failures per kill: 1 is what reaches a tenth
            new Settings("tight, 200 ms x 3, passive on, 1 failure ejects", 200, 150, 3, 2, 1))) {
      if (s.name().contains(only)) {
        figures.addAll(measure(s, kills, failedWithoutPassive));
      }
    }
    Path out = Path.of(System.getProperty("gatun.bench.out", "target/availability.json"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    if (!only.isEmpty() && Files.exists(out)) {
      List<Map<String, Object>> kept = new ArrayList<>();
      Set<Object> measured =
          figures.stream().map(f -> f.get("name")).collect(java.util.stream.Collectors.toSet());
      for (Map<String, Object> f :
          new ObjectMapper()
              .readValue(
                  out.toFile(),
                  new com.fasterxml.jackson.core.type.TypeReference<
                      List<Map<String, Object>>>() {})) {
        if (!measured.contains(f.get("name"))) {
          kept.add(f);
        }
      }
      kept.addAll(figures);
      figures = kept;
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), figures);
    System.out.println(Files.readString(out));
  }

  private static List<Map<String, Object>> measure(
      Settings s, int kills, Map<String, Double> failedWithoutPassive) {
    HealthCheck.Builder check =
        HealthCheck.newBuilder()
            .setProbe("bench/tcp")
            .setType(HealthCheck.Type.TCP)
            .setPeriodMillis(s.periodMillis())
            .setTimeoutMillis(s.timeoutMillis())
            .setUnhealthyThreshold(s.unhealthy())
            .setHealthyThreshold(s.healthy());
    if (s.passive()) {
      check.setPassive(
          PassiveCheck.newBuilder()
              .setConsecutiveFailures(s.consecutiveFailures())
              .setWindowMillis(2000)
              .setEjectionTimeMillis(30_000)
              .setMaxEjectedPercent(50));
    }
    operator.apply(
        HealthFailoverE2E.snapshot(
            HealthFailoverE2E.service("http", Protocol.TCP, 80, 8080, check)));
    Traffic warm = network.traffic(HealthFailoverE2E.VIP, List.of("--no-udp", "--requests", "30"));
    assertThat(warm.failed()).isZero();

    List<Long> outMillis = new ArrayList<>();
    List<Long> failed = new ArrayList<>();
    List<Long> failedHealthy = new ArrayList<>();
    List<Long> firstFailureToOut = new ArrayList<>();
    for (int i = 0; i < kills; i++) {
      int victim = 1 + i % 3;
      Failover f =
          Failover.run(
              network,
              operator,
              HealthFailoverE2E.VIP,
              TRAFFIC,
              new Failover.Fault(
                  victim, () -> network.killBackend(victim), () -> network.startBackend(victim)),
              Duration.ZERO);
      outMillis.add(f.outOfRotationMillis());
      failed.add((long) f.failures().size());
      failedHealthy.add((long) f.failuresOutsideTheWindow(600).size());
      if (f.firstFailureToOutMillis() >= 0) {
        firstFailureToOut.add(f.firstFailureToOutMillis());
      }
      System.out.printf("%s, kill %d (backend-%d): %s%n", s.name(), i + 1, victim, f.summary());
    }
    double goal =
        s.periodMillis() == 200 ? TIGHT_GOAL.toMillis() / 1000.0 : s.bound().toMillis() / 1000.0;
    String probeOnly = s.probeOnly();
    if (!s.passive()) {
      failedWithoutPassive.put(probeOnly, median(failed));
    }
    // Passive on: a tenth of the failures of the probe alone is the goal.
    Double failedBaseline = s.passive() ? failedWithoutPassive.get(probeOnly) : null;
    return List.of(
        figure(
            "backend kill -> out of rotation, median (" + s.name() + ")",
            median(outMillis) / 1000.0,
            "s",
            goal),
        figure(
            "backend kill -> out of rotation, max (" + s.name() + ")",
            max(outMillis) / 1000.0,
            "s",
            goal),
        figure(
            "first failed request -> out of rotation, median (" + s.name() + ")",
            firstFailureToOut.isEmpty() ? 0 : median(firstFailureToOut) / 1000.0,
            "s",
            s.passive() ? FIRST_FAILURE_GOAL.toMillis() / 1000.0 : null),
        figure(
            "first failed request -> out of rotation, max (" + s.name() + ")",
            firstFailureToOut.isEmpty() ? 0 : max(firstFailureToOut) / 1000.0,
            "s",
            s.passive() ? FIRST_FAILURE_GOAL.toMillis() / 1000.0 : null),
        figure(
            "requests failed per kill, median (" + s.name() + ", 100 req/s)",
            median(failed),
            "requests",
            failedBaseline),
        figure(
            "requests failed to healthy backends, all kills (" + s.name() + ")",
            failedHealthy.stream().mapToLong(Long::longValue).sum(),
            "requests",
            null));
  }

  private static Map<String, Object> figure(
      String name, double value, String unit, Double baseline) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", name);
    f.put("value", value);
    f.put("unit", unit);
    f.put("baseline", baseline);
    f.put("ratio", baseline == null || baseline == 0 ? null : value / baseline);
    return f;
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
