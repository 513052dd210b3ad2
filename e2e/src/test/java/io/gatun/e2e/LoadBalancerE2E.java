package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
  private static final ResourceDefinitionContext LOAD_BALANCERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("lb.gatun.io")
          .withVersion("v1alpha1")
          .withKind("LoadBalancer")
          .withPlural("loadbalancers")
          .withNamespaced(true)
          .build();
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();

  private static KubeAPIServer apiServer;
  private static KubernetesClient client;
  private static GatunOperator operator;
  private static TestNetwork network;
  private static ForwarderProcess forwarder;

  @BeforeAll
  static void startEverything() throws IOException {
    apiServer =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2")
                .withOfflineMode(true)
                .build());
    apiServer.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
            .build();
    try (Stream<Path> crds = Files.list(ROOT.resolve("crds"))) {
      for (Path crd : crds.sorted().toList()) {
        try (var in = new FileInputStream(crd.toFile())) {
          var created = client.apiextensions().v1().customResourceDefinitions().load(in).create();
          // Served only once Established; the operator checks for its CRDs at start-up.
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(created.getMetadata().getName())
              .waitUntilCondition(
                  c ->
                      c.getStatus() != null
                          && c.getStatus().getConditions() != null
                          && c.getStatus().getConditions().stream()
                              .anyMatch(
                                  x ->
                                      "Established".equals(x.getType())
                                          && "True".equals(x.getStatus())),
                  30,
                  java.util.concurrent.TimeUnit.SECONDS);
        }
      }
    }
    operator =
        GatunOperator.start(
            client,
            OperatorOptions.defaults().withGrpcAddress(new InetSocketAddress("127.0.0.1", 0)));
    network = TestNetwork.up(ROOT, 3);
    forwarder =
        ForwarderProcess.start(
            ROOT,
            "e2e-fwd-" + network.id,
            "127.0.0.1:" + operator.grpcPort(),
            network.forwarderInterface());
    for (String sample :
        List.of("pool.yaml", "loadbalancer-static.yaml", "loadbalancer-service.yaml")) {
      try (var in = new FileInputStream(ROOT.resolve("samples").resolve(sample).toFile())) {
        client.load(in).create();
      }
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (forwarder != null) {
      forwarder.close();
    }
    if (network != null) {
      network.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
    if (apiServer != null) {
      apiServer.stop();
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
    long before = generation("web");

    loadBalancer("web")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"test\",\"path\":\"/spec/backends/static/2/address\",\"value\":\"198.18.0.13\"},"
                + "{\"op\":\"remove\",\"path\":\"/spec/backends/static/2\"}]");
    assertThat(generation("web")).isGreaterThan(before);
    awaitReady("web");

    Traffic t = network.traffic(vip, 30);
    assertThat(t.failed()).isZero();
    assertThat(t.tcp()).containsOnlyKeys("backend-1", "backend-2");
    assertThat(t.udp()).containsOnlyKeys("backend-1", "backend-2");
  }

  // ------------------------------------------------------------------ helpers

  private static Resource<GenericKubernetesResource> loadBalancer(String name) {
    return client.genericKubernetesResources(LOAD_BALANCERS).inNamespace("default").withName(name);
  }

  private static long generation(String name) {
    return loadBalancer(name).get().getMetadata().getGeneration();
  }

  /** Waits until the LoadBalancer is Ready for its current generation; returns its VIP. */
  @SuppressWarnings("unchecked")
  private static String awaitReady(String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    GenericKubernetesResource lb = null;
    while (System.nanoTime() < deadline) {
      assertThat(forwarder.alive())
          .as("forwarder process (log:\n%s)", forwarder.logTail())
          .isTrue();
      lb = loadBalancer(name).get();
      Map<String, Object> status = (Map<String, Object>) lb.getAdditionalProperties().get("status");
      if (status != null && status.get("conditions") instanceof List<?> conditions) {
        for (Object o : conditions) {
          Map<String, Object> c = (Map<String, Object>) o;
          boolean current =
              c.get("observedGeneration") instanceof Number g
                  && g.longValue() == lb.getMetadata().getGeneration();
          if ("Ready".equals(c.get("type")) && "True".equals(c.get("status")) && current) {
            return ((List<String>) status.get("addresses")).getFirst();
          }
        }
      }
      sleep(200);
    }
    throw new AssertionError(
        "LoadBalancer "
            + name
            + " not Ready within 90 s; status: "
            + (lb == null ? null : lb.getAdditionalProperties().get("status"))
            + "\nforwarder log:\n"
            + forwarder.logTail());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
