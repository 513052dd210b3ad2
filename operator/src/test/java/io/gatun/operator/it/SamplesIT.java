package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The samples, as the demo applies them, against a real API server: accepted by the CRD schemas
 * without a field pruned, and turned into the snapshot the demo's forwarder will run.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class SamplesIT {

  static KubernetesClient client;

  @Test
  void theSamplesAreStoredAsWrittenAndServeTheirBackends() throws IOException {
    Crds.install(client);
    for (String sample :
        List.of(
            "pool.yaml",
            "loadbalancer-static.yaml",
            "loadbalancer-service.yaml",
            "healthprobe.yaml")) {
      for (var written : load(sample)) {
        var stored = client.resource(written).create();
        assertThat(stored.getAdditionalProperties())
            .as(
                "%s %s as stored (pruned fields would be missing)",
                sample, written.getMetadata().getName())
            .satisfies(actual -> assertContains(written.getAdditionalProperties(), actual, sample));
      }
    }

    var cluster = new Cluster(client);
    try (var operator =
            GatunOperator.start(
                client,
                OperatorOptions.defaults().withGrpcAddress(new InetSocketAddress("127.0.0.1", 0)));
        var forwarder = FakeForwarder.connect("demo-forwarder", operator.grpcPort())) {
      Snapshot snapshot = forwarder.awaitSnapshot(s -> s.getServicesCount() == 4);
      forwarder.ack(snapshot.getSnapshotVersion());

      eventually(
          () -> {
            var web = cluster.get("default", "web");
            var echo = cluster.get("default", "echo");
            assertThat(state(web, "Ready")).isEqualTo("True/Ready");
            assertThat(state(echo, "Ready")).isEqualTo("True/Ready");
            assertThat(
                    List.of(
                        web.getStatus().addresses().getFirst(),
                        echo.getStatus().addresses().getFirst()))
                .containsExactlyInAnyOrder("198.18.0.200", "198.18.0.201");
            assertThat(echo.getStatus().backends()).isEqualTo(new BackendCounts(3, 3));
            assertThat(cluster.pool("demo").getStatus().allocated()).isEqualTo(2L);
            var probe =
                client
                    .resources(HealthProbe.class)
                    .inNamespace("default")
                    .withName("web-check")
                    .get();
            assertThat(Cluster.condition2(probe.getStatus().conditions(), "Valid"))
                .isEqualTo("True/Valid");
          });

      Map<String, String> backends =
          snapshot.getServicesList().stream()
              .collect(Collectors.toMap(VirtualService::getKey, SamplesIT::describe));
      assertThat(backends)
          .containsOnlyKeys(
              "default/echo/dns", "default/echo/http", "default/web/dns", "default/web/http")
          .containsEntry(
              "default/web/http", "TCP 80 -> 198.18.0.11:8080 198.18.0.12:8080 198.18.0.13:8080")
          .containsEntry(
              "default/web/dns", "UDP 53 -> 198.18.0.11:5353 198.18.0.12:5353 198.18.0.13:5353")
          .containsEntry(
              "default/echo/http", "TCP 80 -> 198.18.0.11:8080 198.18.0.12:8080 198.18.0.13:8080")
          .containsEntry(
              "default/echo/dns", "UDP 53 -> 198.18.0.11:5353 198.18.0.12:5353 198.18.0.13:5353");
    }
  }

  private static String describe(VirtualService service) {
    return service.getProtocol()
        + " "
        + service.getPort()
        + " ->"
        + service.getBackendsList().stream()
            .map(b -> " " + b.getAddress() + ":" + b.getPort())
            .collect(Collectors.joining());
  }

  private static List<GenericKubernetesResource> load(String sample) throws IOException {
    String text = Files.readString(Path.of(System.getProperty("gatun.samples.dir"), sample));
    return Arrays.stream(text.split("(?m)^---\\s*$"))
        .filter(document -> document.lines().anyMatch(line -> line.startsWith("kind:")))
        .map(
            document ->
                client
                    .getKubernetesSerialization()
                    .unmarshal(document, GenericKubernetesResource.class))
        .toList();
  }

  /** Every value written is stored; the server may add defaults. */
  private static void assertContains(Object written, Object stored, String where) {
    if (written instanceof Map<?, ?> map) {
      assertThat(stored).as(where).isInstanceOf(Map.class);
      map.forEach(
          (key, value) -> assertContains(value, ((Map<?, ?>) stored).get(key), where + "." + key));
    } else if (written instanceof List<?> list) {
      assertThat(stored).as(where).isInstanceOf(List.class);
      assertThat((List<?>) stored).as(where).hasSameSizeAs(list);
      for (int i = 0; i < list.size(); i++) {
        assertContains(list.get(i), ((List<?>) stored).get(i), where + "[" + i + "]");
      }
    } else {
      assertThat(stored).as(where).isEqualTo(written);
    }
  }
}
