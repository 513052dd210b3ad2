package io.gatun.operator.backends;

import static io.gatun.operator.testing.Fixtures.slice;
import static io.gatun.operator.testing.Fixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.gatun.control.v1.Backend;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which endpoints take traffic, from EndpointSlices and from pods. */
class BackendSetTest {

  @Test
  void sliceBackendsAreTheReadyEndpointsOnThePortOfTheSameName() {
    var slices =
        List.of(
            slice(
                "echo-a", List.of("http/TCP/8080", "dns/UDP/5353"), "198.18.0.12", "198.18.0.11!"),
            slice("echo-b", List.of("http/TCP/8081"), "198.18.0.13", "198.18.0.12"));

    var backends = EndpointSliceBackends.of("echo", slices);

    assertThat(backends.counts()).isEqualTo(new BackendCounts(2, 3));
    assertThat(addresses(backends.forPort(tcp("http", 80, null), IpFamily.IPV4)))
        .as("ports follow each slice's port named http; the not-ready endpoint is left out")
        .containsExactly("198.18.0.12:8080", "198.18.0.13:8081");
    assertThat(addresses(backends.forPort(tcp("http", 80, 9000), IpFamily.IPV4)))
        .as("an explicit targetPort wins over the slice's port")
        .containsExactly("198.18.0.12:9000", "198.18.0.13:9000");
  }

  @Test
  void staticBackendsSharingAnAddressOnDifferentPortsAreCountedAndProbedApart() {
    var backends =
        StaticBackends.of(
            List.of(
                new StaticBackend("10.0.0.1", 8080, null),
                new StaticBackend("10.0.0.1", 8081, null),
                new StaticBackend("10.0.0.2", null, null)));

    assertThat(backends.counts()).isEqualTo(new BackendCounts(3, 3));
    assertThat(addresses(backends.forPort(tcp("http", 80, 9000), IpFamily.IPV4)))
        .containsExactly("10.0.0.1:8080", "10.0.0.1:8081", "10.0.0.2:9000");
    assertThat(backends.counts(Map.of("10.0.0.1", Set.of(8081))))
        .as("only the backend on the failing port is out")
        .isEqualTo(new BackendCounts(2, 3));
    assertThat(backends.counts(Map.of("10.0.0.2", Set.of(9000))))
        .as("a backend without a port of its own fails on any port of its address")
        .isEqualTo(new BackendCounts(2, 3));
  }

  @Test
  void anEndpointReadyInAnySliceCountsOnceAsReady() {
    var slices =
        List.of(slice("a", List.of(), "198.18.0.11!"), slice("b", List.of(), "198.18.0.11"));

    assertThat(EndpointSliceBackends.of("echo", slices).counts())
        .isEqualTo(new BackendCounts(1, 1));
  }

  @Test
  void terminatingServingEndpointsTakeTrafficOnlyWhenNoneIsReady() {
    var draining =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .withAddressType("IPv4")
            .withEndpoints(
                endpoint("198.18.0.21", false, true, true),
                endpoint("198.18.0.22", false, false, true))
            .build();
    var withReady =
        new EndpointSliceBuilder(draining)
            .addToEndpoints(endpoint("198.18.0.23", true, true, false))
            .build();

    var onlyDraining = EndpointSliceBackends.of("echo", List.of(draining));
    assertThat(addresses(onlyDraining.forPort(tcp("http", 80, null), IpFamily.IPV4)))
        .containsExactly("198.18.0.21:80");
    assertThat(onlyDraining.drainingOnly()).isTrue();
    assertThat(
            addresses(
                EndpointSliceBackends.of("echo", List.of(withReady))
                    .forPort(tcp("http", 80, null), IpFamily.IPV4)))
        .containsExactly("198.18.0.23:80");
  }

  @Test
  void slicesSayWhereEachEndpointRuns() {
    var slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName("s")
            .endMetadata()
            .withAddressType("IPv4")
            .withEndpoints(
                new EndpointBuilder().withAddresses("198.18.0.21").withNodeName("node-a").build())
            .build();
    // A v1beta1 slice read through the v1 model: only topology names the node.
    var beta =
        new EndpointSliceBuilder(slice)
            .withEndpoints(new EndpointBuilder().withAddresses("198.18.0.22").build())
            .build();
    beta.getEndpoints()
        .getFirst()
        .setAdditionalProperty("topology", Map.of("kubernetes.io/hostname", "node-b"));

    assertThat(EndpointSliceBackends.of("echo", List.of(slice, beta)).nodes())
        .containsExactly(Map.entry("198.18.0.21", "node-a"), Map.entry("198.18.0.22", "node-b"));
  }

  @Test
  void saysWhyNoSliceBackendIsHealthy() {
    assertThat(EndpointSliceBackends.of("echo", List.of()).whyNoneHealthy())
        .startsWith("Service echo has no endpoints:");
    assertThat(
            EndpointSliceBackends.of("echo", List.of(slice("a", List.of(), "198.18.0.1!")))
                .whyNoneHealthy())
        .isEqualTo("none of the 1 endpoints of Service echo is ready: check its pods' readiness");
  }

  @Test
  void podBackendsAreTheReadyPodsWithTheirNamedContainerPort() {
    LabelSelector app = new LabelSelectorBuilder().addToMatchLabels("app", "web").build();
    var pods =
        List.of(
            pod("web-1", "198.18.0.31", true, "node-a", false),
            pod("web-2", "198.18.0.32", false, "node-b", false),
            pod("web-3", "198.18.0.33", true, "node-b", true));

    var backends = PodBackends.of(app, pods);

    assertThat(backends.counts()).isEqualTo(new BackendCounts(1, 3));
    assertThat(addresses(backends.forPort(tcp("http", 80, null), IpFamily.IPV4)))
        .containsExactly("198.18.0.31:8080");
    assertThat(backends.nodes()).containsEntry("198.18.0.31", "node-a");
    assertThat(PodBackends.of(app, List.of()).whyNoneHealthy())
        .startsWith("no running pod matches the selector app=web");
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(
      String address, boolean ready, boolean serving, boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .withServing(serving)
        .withTerminating(terminating)
        .endConditions()
        .build();
  }

  static Pod pod(String name, String ip, boolean ready, String node, boolean deleting) {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .addNewContainer()
            .withName("web")
            .addNewPort()
            .withName("http")
            .withContainerPort(8080)
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP(ip)
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus()
            .build();
    if (deleting) {
      pod.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    }
    return pod;
  }

  private static List<String> addresses(List<Backend> backends) {
    return backends.stream().map(b -> b.getAddress() + ":" + b.getPort()).toList();
  }
}
