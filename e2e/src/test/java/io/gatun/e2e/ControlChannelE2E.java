package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gatun.e2e.rig.KubeCluster;
import io.gatun.e2e.rig.KubeOperator;
import io.gatun.e2e.rig.LiveTraffic;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.Scrape;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.TestForwarder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The control channel with the real operator: the operator dies while traffic runs and the data
 * plane keeps forwarding with its last snapshot (zero failed requests); a LoadBalancer changed
 * meanwhile (a fourth backend) is programmed once a new operator is up (the forwarder redials and
 * resyncs), and its status is current again. The change adds a backend rather than removing one:
 * connections in flight to a removed backend fail by design, which is not what this is about.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ControlChannelE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();

  private static Rig<KubeOperator> rig;
  private static KubeCluster cluster;
  private static TestNetwork network;
  private static TestForwarder forwarder;

  @BeforeAll
  static void up() {
    rig = Rig.cluster(ROOT, "e2e-cc", 4);
    cluster = rig.operator.cluster;
    network = rig.network;
    forwarder = rig.forwarder;
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: control}
        spec: {addresses: [198.18.0.220/30]}
        """);
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata: {name: steady, namespace: default}
        spec:
          poolRef: control
          ports:
            - {name: http, protocol: TCP, port: 80, targetPort: 8080}
            - {name: dns, protocol: UDP, port: 53, targetPort: 5353}
          backends:
            static: [{address: 198.18.0.11}, {address: 198.18.0.12}, {address: 198.18.0.13}]
        """);
  }

  @AfterAll
  static void down() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  private static String awaitReady() {
    return cluster.awaitReady("default", "steady", Duration.ofSeconds(90), forwarder::alive);
  }

  /** Waits until /readyz says {@code what}; {@code meaning} names it in the failure. */
  private static void awaitReadyz(String what, String meaning, Duration within) {
    String[] body = {""};
    Await.until(
        () -> (body[0] = forwarder.get("/readyz").body()).contains(what),
        within,
        () -> meaning + ": /readyz never said '" + what + "'; last: " + body[0]);
  }

  @Test
  void trafficOutlivesTheOperatorAndANewOperatorResyncsTheForwarder() throws Exception {
    String vip = awaitReady();
    assertThat(network.traffic(vip, 30).failed()).isZero();

    List<String> serving = List.of("backend-1", "backend-2", "backend-3");
    Traffic t;
    try (LiveTraffic during = network.liveTraffic(vip, List.of())) {
      during.awaitAnswers(serving, 3, System.currentTimeMillis(), Duration.ofSeconds(60));
      rig.operator.stop(); // the operator dies
      awaitReadyz(
          "operator away",
          "still ready: forwarding with the last snapshot",
          Duration.ofSeconds(30));
      // Changed while nobody reconciles: a fourth backend joins.
      cluster
          .loadBalancer("default", "steady")
          .patch(
              PatchContext.of(PatchType.JSON),
              "[{\"op\":\"add\",\"path\":\"/spec/backends/static/-\","
                  + "\"value\":{\"address\":\"198.18.0.14\"}}]");
      // Traffic goes on while the operator is away.
      during.awaitAnswers(serving, 3, System.currentTimeMillis(), Duration.ofSeconds(60));
      rig.operator.restart(); // a new operator on the same address
      during.awaitAnswers(serving, 3, System.currentTimeMillis(), Duration.ofSeconds(60));
      t = during.stop();
    }
    assertThat(t.failed())
        .as(
            "failed requests while the operator was away or back: %s",
            t.requests().stream().filter(Traffic.Request::failed).toList())
        .isZero();
    assertThat(t.tcp()).containsKeys("backend-1", "backend-2", "backend-3");

    awaitReady(); // programmed again: the forwarder redialled and applied the resync
    Traffic after = network.traffic(vip, 60);
    assertThat(after.failed()).isZero();
    assertThat(after.tcp()).containsOnlyKeys("backend-1", "backend-2", "backend-3", "backend-4");
    assertThat(after.udp()).containsOnlyKeys("backend-1", "backend-2", "backend-3", "backend-4");
    Scrape metrics = new Scrape(forwarder.get("/metrics").body());
    assertThat(metrics.value("gatun_control_disconnects_total", Map.of()))
        .as("the stream ended once, when the operator died")
        .isGreaterThanOrEqualTo(1);
    assertThat(metrics.value("gatun_control_connected", Map.of())).isEqualTo(1);
    assertThat(metrics.value("gatun_snapshots_total", Map.of("result", "stale")))
        .as("the new operator numbered its snapshots above the running generation")
        .isZero();
    assertThat(metrics.value("gatun_control_snapshot_messages_total", Map.of("kind", "complete")))
        .as("each stream starts with a complete snapshot")
        .isGreaterThanOrEqualTo(2);

    // A change now travels as a delta (the forwarder offers DELTA_SNAPSHOTS) and is programmed.
    cluster
        .loadBalancer("default", "steady")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/spec/backends/static/0/weight\",\"value\":2}]");
    Await.until(
        () ->
            new Scrape(forwarder.get("/metrics").body())
                    .value("gatun_control_snapshot_messages_total", Map.of("kind", "delta"))
                >= 1,
        Duration.ofSeconds(60),
        () -> "no snapshot delta reached the forwarder after a weight change");
    awaitReady();
    Traffic weighted = network.traffic(vip, 60);
    assertThat(weighted.failed()).isZero();
    assertThat(weighted.tcp()).containsOnlyKeys("backend-1", "backend-2", "backend-3", "backend-4");
    assertThat(
            new Scrape(forwarder.get("/metrics").body())
                .value("gatun_control_snapshot_messages_total", Map.of("kind", "gap")))
        .as("no delta missed its base")
        .isZero();
  }
}
