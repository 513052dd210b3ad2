package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static io.gatun.operator.testing.Snapshots.backends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import io.gatun.operator.testing.Patience;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EndpointSlices reach a LoadBalancer through the informer indexes (by Service, within the
 * namespace), against a real kube-apiserver: a LoadBalancer reads its own Service's slices and no
 * other's, a slice of the same Service name in another namespace included; and a change to one
 * slice reconciles its LoadBalancer, not the others in the namespace.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class SliceIndexIT {

  private static final int LOAD_BALANCERS = 20;
  private static final Pattern RECONCILES =
      Pattern.compile(
          "gatun_reconciles_total\\{controller=\"loadbalancer\",operation=\"reconcile\"\\}"
              + " ([0-9.E]+)");

  static KubernetesClient client;
  static Cluster cluster;
  static GatunOperator operator;

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startOperator() throws Exception {
    Crds.install(client);
    cluster = new Cluster(client);
    operator =
        Cluster.startOperator(
            client,
            OperatorOptions.defaults().withMetricsAddress(new InetSocketAddress("127.0.0.1", 0)));
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @Test
  void eachLoadBalancerReadsItsOwnSlicesAndAChangeReconcilesOnlyItsOwner() throws Exception {
    cluster.namespace("idx");
    cluster.namespace("idx-other");
    cluster.pool("idx", "198.18.40.0/27");
    var slices = client.discovery().v1beta1().endpointSlices();
    // Service svc-0 has two slices; every other one slice.
    slices.inNamespace("idx").resource(slice("svc-0-b", "svc-0", "198.18.1.100")).create();
    for (int i = 0; i < LOAD_BALANCERS; i++) {
      slices.inNamespace("idx").resource(slice("svc-" + i, "svc-" + i, address(i))).create();
    }
    // The same Service name elsewhere: not svc-0's in namespace idx.
    slices.inNamespace("idx-other").resource(slice("svc-0", "svc-0", "198.18.1.200")).create();

    try (var forwarder =
        FakeForwarder.connect(
            "fwd-idx", "node-idx", operator.grpcPort(), FakeForwarder.DELTA_CAPABLE, true)) {
      for (int i = 0; i < LOAD_BALANCERS; i++) {
        cluster.loadBalancer("idx", "lb-" + i, spec("svc-" + i));
      }
      forwarder.awaitSnapshot(
          s ->
              IntStream.range(1, LOAD_BALANCERS)
                      .allMatch(
                          i ->
                              backends(s, "idx/lb-" + i + "/http")
                                  .equals(List.of(address(i) + ":80")))
                  && Set.copyOf(backends(s, "idx/lb-0/http"))
                      .equals(Set.of(address(0) + ":80", "198.18.1.100:80")));
      eventually(
          () -> {
            for (int i = 0; i < LOAD_BALANCERS; i++) {
              assertThat(state(cluster.get("idx", "lb-" + i), "Programmed"))
                  .isEqualTo("True/Programmed");
            }
          });
      double before = quietReconciles();

      slices.inNamespace("idx").resource(slice("svc-7", "svc-7", "198.18.1.77")).update();

      forwarder.awaitSnapshot(s -> backends(s, "idx/lb-7/http").equals(List.of("198.18.1.77:80")));
      eventually(
          () ->
              assertThat(state(cluster.get("idx", "lb-7"), "Programmed"))
                  .isEqualTo("True/Programmed"));
      double after = quietReconciles();
      // lb-7's reconciles: the slice change, the forwarder's Ack, perhaps the end of its
      // settling wait. A slice change mapped to the namespace would add every LoadBalancer.
      assertThat(after - before).isBetween(1.0, 4.0);
    }
  }

  /**
   * The LoadBalancer controller's reconcile count once it stops moving (nothing else happens in
   * this test's cluster: it settles within a few seconds).
   */
  private double quietReconciles() throws Exception {
    double[] last = {-1};
    long[] since = {System.nanoTime()};
    return await()
        .atMost(Patience.PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              double now = reconciles();
              if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
                return -1.0;
              }
              // Two settling waits (LoadBalancerReconciler.SETTLE) without a reconcile.
              return System.nanoTime() - since[0] > Duration.ofSeconds(5).toNanos() ? now : -1.0;
            },
            count -> count >= 0);
  }

  private double reconciles() throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + operator.metricsPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    var matcher = RECONCILES.matcher(response.body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static String address(int i) {
    return "198.18.1." + (i + 1);
  }

  private static LoadBalancerSpec spec(String service) {
    return new LoadBalancerSpec(
        "idx",
        null,
        List.of(new LoadBalancerPort("http", Protocol.TCP, 80, null)),
        new Backends(service, null),
        null,
        null);
  }

  /** A slice of {@code service} with ready endpoints on port 80. */
  private static EndpointSlice slice(String name, String service, String... addresses) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .withEndpoints(
            Arrays.stream(addresses)
                .map(
                    a ->
                        new EndpointBuilder()
                            .withAddresses(a)
                            .withNewConditions()
                            .withReady(true)
                            .endConditions()
                            .build())
                .toList())
        .build();
  }
}
