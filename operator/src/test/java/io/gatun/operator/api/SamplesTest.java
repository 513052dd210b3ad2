package io.gatun.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.schema.CrdRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The samples read into the Java model without a single unknown field, so a typo or a renamed field
 * fails here rather than being pruned silently by the API server. (SamplesIT applies them to a real
 * API server.)
 */
class SamplesTest {

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void poolSampleMatchesTheModel() throws IOException {
    var pool = only(documents("pool.yaml"), "Pool");
    var spec = STRICT.treeToValue(pool.get("spec"), PoolSpec.class);

    assertThat(spec.addresses()).containsExactly("198.18.0.200/29");
  }

  @Test
  void theBgpPoolSampleMatchesTheModel() throws IOException {
    var pool = only(documents("bgp/pool-bgp.yaml"), "Pool");
    var spec = STRICT.treeToValue(pool.get("spec"), PoolSpec.class);

    assertThat(spec.announcementModeOrDefault()).isEqualTo(AnnouncementMode.BGP);
    var bgp = spec.announcement().bgp();
    assertThat(bgp.localASN()).isEqualTo(64512L);
    assertThat(bgp.peers().getFirst().passwordSecretRef())
        .isEqualTo(new SecretKeyRef("bgp-edge", "password"));
    assertThat(bgp.peers().get(1).bfdDisabled()).isTrue();
    assertThat(CrdRules.forKind(Pool.class).check(pool)).as("its CEL rules hold").isEmpty();
  }

  @Test
  void loadBalancerSamplesMatchTheModel() throws IOException {
    var web =
        STRICT.treeToValue(
            only(documents("loadbalancer-static.yaml"), "LoadBalancer").get("spec"),
            LoadBalancerSpec.class);
    var echo =
        STRICT.treeToValue(
            only(documents("loadbalancer-service.yaml"), "LoadBalancer").get("spec"),
            LoadBalancerSpec.class);

    assertThat(web.backends().staticBackends())
        .extracting(StaticBackend::address)
        .containsExactly("198.18.0.11", "198.18.0.12", "198.18.0.13");
    assertThat(web.ports()).extracting(LoadBalancerPort::name).containsExactly("http", "dns");
    assertThat(echo.backends().serviceRef()).isEqualTo("echo");
  }

  @Test
  void theHealthProbeAndServiceSamplesMatchTheirModels() throws IOException {
    var probe =
        STRICT.treeToValue(
            only(documents("healthprobe.yaml"), "HealthProbe").get("spec"), HealthProbeSpec.class);
    var service =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(
                    Path.of(
                        System.getProperty("gatun.samples.dir"), "service", "web-service.yaml")),
                Service.class);

    assertThat(probe.type()).isEqualTo(ProbeType.HTTP);
    assertThat(probe.http().path()).isEqualTo("/healthz");
    assertThat(service.getSpec().getLoadBalancerClass()).isEqualTo(ApiGroup.LOAD_BALANCER_CLASS);
    assertThat(service.getMetadata().getAnnotations())
        .containsKeys("lb.gatun.io/pool", "lb.gatun.io/health-probe", "lb.gatun.io/sharing-key");
  }

  @Test
  void theForwarderSetSampleMatchesTheModel() throws IOException {
    var spec =
        STRICT.treeToValue(
            only(documents("forwarders/forwarderset.yaml"), "ForwarderSet").get("spec"),
            ForwarderSetSpec.class);

    assertThat(spec.dataPort().interfaceName()).isEqualTo("eth1");
    assertThat(spec.dataPort().addresses()).containsKeys("worker-1", "worker-2");
    assertThat(spec.hugepages().amount()).isEqualTo("1Gi");
  }

  static List<JsonNode> documents(String sample) throws IOException {
    var path = Path.of(System.getProperty("gatun.samples.dir"), sample);
    var yaml = new YAMLFactory();
    var documents = new ArrayList<JsonNode>();
    try (YAMLParser parser = yaml.createParser(Files.readString(path))) {
      var mapper = new ObjectMapper(yaml);
      var iterator = mapper.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        documents.add(iterator.next());
      }
    }
    return documents;
  }

  private static JsonNode only(List<JsonNode> documents, String kind) {
    var matching = documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(matching).as(kind + " documents").hasSize(1);
    return matching.getFirst();
  }
}
