package io.gatun.operator.backends;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * A cut slice read from its maps is the slice Jackson reads from them; anything else is Jackson's.
 */
class SliceReaderTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** As the EndpointSlice controller writes it (v1), whole: SliceFieldsRead cuts it first. */
  private static final String V1 =
      """
      {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
       "metadata":{"name":"echo-x7k2p","namespace":"shop","resourceVersion":"7",
         "labels":{"kubernetes.io/service-name":"echo"},
         "annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2026-12-07T01:00:00Z"},
         "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"echo","uid":"s-1"}]},
       "addressType":"IPv4",
       "ports":[{"name":"http","protocol":"TCP","port":8080,"appProtocol":"http"},
                {"name":"dns","protocol":"UDP","port":53}],
       "endpoints":[
         {"addresses":["198.18.0.11"],"conditions":{"ready":true,"serving":true,"terminating":false},
          "nodeName":"node-a","zone":"zone-1","hostname":"echo-11",
          "targetRef":{"kind":"Pod","namespace":"shop","name":"echo-11","uid":"p-11"}},
         {"addresses":["198.18.0.12","198.18.0.22"],"conditions":{"ready":false},
          "nodeName":"node-b"},
         {"addresses":["198.18.0.13"]}]}
      """;

  /** As a 1.20 API server serves it: v1beta1, the node in the endpoint's topology. */
  private static final String V1BETA1 =
      """
      {"apiVersion":"discovery.k8s.io/v1beta1","kind":"EndpointSlice",
       "metadata":{"name":"echo-q","namespace":"shop","labels":{"kubernetes.io/service-name":"echo"}},
       "addressType":"IPv6",
       "ports":[{"name":"http","protocol":"TCP","port":8080}],
       "endpoints":[
         {"addresses":["2001:db8::1"],"conditions":{"ready":true},
          "topology":{"kubernetes.io/hostname":"node-a","topology.kubernetes.io/zone":"zone-1"}}]}
      """;

  private static GenericKubernetesResource cut(String json) {
    return SliceFieldsRead.keep(JSON.unmarshal(json, GenericKubernetesResource.class));
  }

  /**
   * Equal in every field but the metadata, which the reader shares with the cache where Jackson
   * copies it (turning a null managedFields into an empty list): name and labels are the same.
   */
  private static void assertSameSlice(EndpointSlice read, EndpointSlice jackson) {
    assertThat(read).isNotNull();
    assertThat(read).usingRecursiveComparison().ignoringFields("metadata").isEqualTo(jackson);
    assertThat(read).isEqualTo(jackson.edit().withMetadata(read.getMetadata()).build());
    assertThat(read.getMetadata().getName()).isEqualTo(jackson.getMetadata().getName());
    assertThat(read.getMetadata().getLabels()).isEqualTo(jackson.getMetadata().getLabels());
  }

  @Test
  void aCutSliceReadsAsJacksonReadsIt() {
    for (String json : new String[] {V1, V1BETA1}) {
      var slice = cut(json);

      EndpointSlice read = SliceReader.read(slice);

      assertThat(read).isNotNull();
      assertSameSlice(read, JSON.convertValue(slice, EndpointSlice.class));
      // EndpointSlices.read takes this way: the cache's metadata, not Jackson's copy of it
      assertThat(EndpointSlices.read(slice, JSON).getMetadata()).isSameAs(slice.getMetadata());
    }
    assertThat(SliceReader.read(cut(V1)).getEndpoints()).hasSize(3);
    assertThat(SliceReader.read(cut(V1BETA1)).getEndpoints().getFirst().getAdditionalProperties())
        .containsEntry("topology", java.util.Map.of("kubernetes.io/hostname", "node-a"));
  }

  @Test
  void aSliceWithNoEndpointsOrPortsReadsAsJacksonReadsIt() {
    var slice =
        cut(
            """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
             "metadata":{"name":"empty","namespace":"shop"},"addressType":"IPv4","endpoints":null}
            """);

    assertSameSlice(SliceReader.read(slice), JSON.convertValue(slice, EndpointSlice.class));
  }

  @Test
  void whatIsNotAsTheApiGivesItIsLeftToJackson() {
    // a port number as text, a field not kept by the cut, a condition of another type
    String[] odd = {
      V1.replace("\"port\":8080", "\"port\":\"8080\""),
      V1.replace("\"appProtocol\":\"http\"", "\"appProtocol\":\"http\",\"extra\":1"),
      V1.replace("\"ready\":false", "\"ready\":\"no\""),
      V1.replace("\"addressType\":\"IPv4\"", "\"addressType\":4"),
    };
    for (String json : odd) {
      var slice = cut(json);

      assertThat(SliceReader.read(slice)).as(json).isNull();
    }
    // and Jackson reads what it can: the text port as a number
    var textPort = cut(odd[0]);
    assertThat(EndpointSlices.read(textPort, JSON).getPorts().getFirst().getPort()).isEqualTo(8080);
  }
}
