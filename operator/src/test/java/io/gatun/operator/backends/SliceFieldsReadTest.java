package io.gatun.operator.backends;

import static io.gatun.operator.testing.Fixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.ipam.IpFamily;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A cached slice keeps every field the backends are read from, and only those. */
class SliceFieldsReadTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void theBackendsReadFromTheCutSliceAreThoseOfTheWholeOne() {
    var whole = asGeneric(controllerWritten());

    var cut = SliceFieldsRead.keep(asGeneric(controllerWritten()));

    var before = EndpointSliceBackends.of("echo", List.of(EndpointSlices.read(whole, JSON)));
    var after = EndpointSliceBackends.of("echo", List.of(EndpointSlices.read(cut, JSON)));
    assertThat(after.forPort(tcp("http", 80, null), IpFamily.IPV4))
        .isEqualTo(before.forPort(tcp("http", 80, null), IpFamily.IPV4))
        .hasSize(2);
    assertThat(after.counts()).isEqualTo(before.counts());
    assertThat(after.nodes())
        .isEqualTo(before.nodes())
        .containsEntry("198.18.0.11", "node-a")
        .containsEntry("198.18.0.13", "node-b");
    assertThat(EndpointSlices.serviceName(cut)).isEqualTo("echo");
  }

  @Test
  void whatIsNotReadIsNotKept() {
    var cut = SliceFieldsRead.keep(asGeneric(controllerWritten()));

    assertThat(cut.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cut.getMetadata().getAnnotations()).as("empty, not null: JOSDK reads it").isEmpty();
    assertThat(cut.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(cut.getAdditionalProperties()).containsOnlyKeys("addressType", "endpoints", "ports");
    List<?> endpoints = (List<?>) cut.getAdditionalProperties().get("endpoints");
    assertThat(endpoints).hasSize(3);
    for (Object endpoint : endpoints) {
      @SuppressWarnings("unchecked")
      var fields = (Map<String, Object>) endpoint;
      assertThat(fields)
          .doesNotContainKeys("targetRef", "zone", "hints", "hostname")
          .containsKeys("addresses", "conditions", "nodeName");
    }
  }

  @Test
  void aV1beta1EndpointKeepsOnlyItsTopologysNode() {
    var slice = asGeneric(controllerWritten());
    @SuppressWarnings("unchecked")
    var endpoint =
        (Map<String, Object>)
            ((List<?>) slice.getAdditionalProperties().get("endpoints")).getFirst();
    endpoint.remove("nodeName");
    endpoint.put(
        "topology",
        Map.of(
            "kubernetes.io/hostname", "node-a",
            "topology.kubernetes.io/zone", "zone-1",
            "topology.kubernetes.io/region", "region-1"));

    var cut = SliceFieldsRead.keep(slice);

    assertThat(((List<?>) cut.getAdditionalProperties().get("endpoints")).getFirst())
        .isEqualTo(
            Map.of(
                "addresses", List.of("198.18.0.11"),
                "conditions", Map.of("ready", true, "serving", true, "terminating", false),
                "topology", Map.of("kubernetes.io/hostname", "node-a")));
    var backends = EndpointSliceBackends.of("echo", List.of(EndpointSlices.read(cut, JSON)));
    assertThat(backends.nodes()).containsEntry("198.18.0.11", "node-a");
  }

  /** A slice as the EndpointSlice controller writes it, with what it writes that is not read. */
  private static EndpointSlice controllerWritten() {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName("echo-x7k2p")
        .withGenerateName("echo-")
        .addToLabels(EndpointSlices.SERVICE_NAME_LABEL, "echo")
        .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
        .addToAnnotations(
            "endpoints.kubernetes.io/last-change-trigger-time", "2026-12-07T01:00:00Z")
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Service")
                .withName("echo")
                .withUid("3f1c2b9e-0000-4000-8000-000000000001")
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .withManagedFields(
            new ManagedFieldsEntryBuilder()
                .withManager("kube-controller-manager")
                .withOperation("Update")
                .withApiVersion("discovery.k8s.io/v1")
                .build())
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(8080)
        .endPort()
        .withEndpoints(
            endpoint("198.18.0.11", "node-a", true),
            endpoint("198.18.0.12", "node-a", false),
            endpoint("198.18.0.13", "node-b", true))
        .build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(
      String address, String node, boolean ready) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .withServing(ready)
        .withTerminating(false)
        .endConditions()
        .withNodeName(node)
        .withZone("zone-1")
        .withHostname("echo-" + address.substring(address.lastIndexOf('.') + 1))
        .withNewTargetRef()
        .withKind("Pod")
        .withNamespace("shop")
        .withName("echo-" + address)
        .withUid("3f1c2b9e-0000-4000-8000-" + address.replace(".", ""))
        .endTargetRef()
        .withNewHints()
        .addNewForZone("zone-1")
        .endHints()
        .build();
  }

  /** Through JSON, as the informer receives it. */
  private static GenericKubernetesResource asGeneric(EndpointSlice slice) {
    return JSON.unmarshal(JSON.asJson(slice), GenericKubernetesResource.class);
  }
}
