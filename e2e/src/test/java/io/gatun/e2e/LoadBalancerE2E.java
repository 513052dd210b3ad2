package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gatun.e2e.rig.KubeCluster;
import io.gatun.e2e.rig.KubeOperator;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.TestForwarder;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The demo topology from a test: a real kube-apiserver, the operator in this JVM, one forwarder
 * process doing full NAT on an af_packet port, a client and three backend hosts in network
 * namespaces, the samples applied, and real TCP and UDP traffic through the VIPs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class LoadBalancerE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();

  private static Rig<KubeOperator> rig;
  private static KubeCluster cluster;
  private static TestNetwork network;
  private static TestForwarder forwarder;

  @BeforeAll
  static void startEverything() throws IOException {
    rig = Rig.cluster(ROOT, "e2e-fwd", 3);
    cluster = rig.operator.cluster;
    network = rig.network;
    forwarder = rig.forwarder;
    for (String sample :
        List.of("pool.yaml", "loadbalancer-static.yaml", "loadbalancer-service.yaml")) {
      try (var in = new FileInputStream(ROOT.resolve("samples").resolve(sample).toFile())) {
        cluster.client.load(in).create();
      }
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  @Order(1)
  void tcpAndUdpThroughTheVipReachEveryStaticBackend() {
    String vip = awaitReady("web");

    Traffic t = network.traffic(vip, 30);

    assertThat(t.failed()).as("failed requests (forwarder log:\n%s)", forwarder.logTail()).isZero();
    assertThat(t.tcp()).containsOnlyKeys("backend-1", "backend-2", "backend-3");
    assertThat(t.udp()).containsOnlyKeys("backend-1", "backend-2", "backend-3");
    assertThat(t.tcp().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
  }

  @Test
  @Order(2)
  void serviceBackedLoadBalancerReachesTheEndpointSliceBackends() {
    String vip = awaitReady("echo");

    Traffic t = network.traffic(vip, 30);

    assertThat(t.failed()).isZero();
    assertThat(t.tcp()).containsOnlyKeys("backend-1", "backend-2", "backend-3");
    assertThat(t.udp()).containsOnlyKeys("backend-1", "backend-2", "backend-3");
  }

  @Test
  @Order(3)
  void removingABackendTakesItOutOfRotationWhileTheOthersKeepAnswering() {
    String vip = awaitReady("web");
    long before = cluster.loadBalancer("default", "web").get().getMetadata().getGeneration();

    cluster
        .loadBalancer("default", "web")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"test\",\"path\":\"/spec/backends/static/2/address\",\"value\":\"198.18.0.13\"},"
                + "{\"op\":\"remove\",\"path\":\"/spec/backends/static/2\"}]");
    assertThat(cluster.loadBalancer("default", "web").get().getMetadata().getGeneration())
        .isGreaterThan(before);
    awaitReady("web");

    Traffic t = network.traffic(vip, 30);
    assertThat(t.failed()).isZero();
    assertThat(t.tcp()).containsOnlyKeys("backend-1", "backend-2");
    assertThat(t.udp()).containsOnlyKeys("backend-1", "backend-2");
  }

  @Test
  @Order(4)
  void aRemovedBackendKeepsItsConnectionsWhileDrainingAndGetsNoNewOnes() throws Exception {
    var servers = new ArrayList<Process>();
    try {
      for (int n = 1; n <= 3; n++) {
        servers.add(
            network.startDrainPeer("b" + n, "serve", "--port", "9090", "--name", "backend-" + n));
      }
      for (int n = 1; n <= 3; n++) {
        network.awaitListening(n, 9090, Duration.ofSeconds(30));
      }
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: drain, namespace: default}
          spec:
            poolRef: demo
            ports: [{name: chat, port: 90, targetPort: 9090}]
            backends:
              static: [{address: 198.18.0.11}, {address: 198.18.0.12}, {address: 198.18.0.13}]
            draining: {timeoutSeconds: 300}
          """);
      String vip = awaitReady("drain");
      Path go = Files.createTempFile("gatun-drain", ".go");
      Files.delete(go);
      Process held =
          network.startDrainPeer(
              "client", "hold", "--vip", vip, "--port", "90", "--go", go.toString());
      var answers = held.inputReader();
      String first = answers.readLine();
      assertThat(first).as("the held connection's first answer").startsWith("first backend-");
      String kept = first.substring("first ".length());
      int keptIndex = Integer.parseInt(kept.substring("backend-".length()));

      cluster
          .loadBalancer("default", "drain")
          .patch(
              PatchContext.of(PatchType.JSON),
              "[{\"op\":\"remove\",\"path\":\"/spec/backends/static/" + (keptIndex - 1) + "\"}]");
      awaitReady("drain");
      assertThat(backendsSummary("drain")).isEqualTo("2/2 (1 draining)");

      var spread = network.drainPeer("client", "spread", "--vip", vip, "--port", "90");
      assertThat(spread).as("30 new connections").contains("\"failed\": 0").doesNotContain(kept);

      Files.createFile(go);
      assertThat(answers.readLine())
          .as("the held connection, after its backend left")
          .isEqualTo("then " + kept);
      assertThat(held.waitFor()).isZero();
      Files.deleteIfExists(go);
    } finally {
      cluster.loadBalancer("default", "drain").delete();
      servers.forEach(Process::destroy);
    }
  }

  @SuppressWarnings("unchecked")
  private static String backendsSummary(String name) {
    var status =
        (Map<String, Object>)
            cluster.loadBalancer("default", name).get().getAdditionalProperties().get("status");
    return (String) ((Map<String, Object>) status.get("backends")).get("summary");
  }

  /** Waits until the LoadBalancer is Ready for its current generation; returns its VIP. */
  private static String awaitReady(String name) {
    try {
      return cluster.awaitReady("default", name, Duration.ofSeconds(90), forwarder::alive);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nforwarder log:\n" + forwarder.logTail(), e);
    }
  }
}
