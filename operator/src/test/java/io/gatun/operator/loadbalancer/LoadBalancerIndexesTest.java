package io.gatun.operator.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.api.LoadBalancer;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancerIndexesTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void aSliceIsKeyedByItsNamespaceAndService() {
    var slice =
        YAML.unmarshal(
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-x7k2p
              namespace: shop
              labels: {kubernetes.io/service-name: web}
            """,
            GenericKubernetesResource.class);

    assertThat(LoadBalancerIndexes.sliceService(slice)).containsExactly("shop/web");
  }

  @Test
  void aSliceWithoutTheServiceLabelIsInNoIndex() {
    var slice =
        YAML.unmarshal(
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: orphan, namespace: shop}
            """,
            GenericKubernetesResource.class);

    assertThat(LoadBalancerIndexes.sliceService(slice)).isEmpty();
  }

  @Test
  void aLoadBalancerIsKeyedByWhatItReferences() {
    var lb =
        lb(
            """
            poolRef: public
            healthProbeRef: http-check
            ports: [{name: http, port: 80}]
            backends: {serviceRef: web}
            """);

    assertThat(LoadBalancerIndexes.serviceRef(lb)).containsExactly("shop/web");
    assertThat(LoadBalancerIndexes.healthProbe(lb)).containsExactly("shop/http-check");
    assertThat(LoadBalancerIndexes.pool(lb)).containsExactly("public");
    assertThat(LoadBalancerIndexes.podSelector(lb)).isEmpty();
  }

  @Test
  void withoutAPoolRefAnyPoolMayServeIt() {
    var lb =
        lb(
            """
            ports: [{name: http, port: 80}]
            backends: {selector: {matchLabels: {app: web}}}
            """);

    assertThat(LoadBalancerIndexes.pool(lb)).containsExactly(LoadBalancerIndexes.ANY_POOL);
    assertThat(LoadBalancerIndexes.podSelector(lb)).containsExactly("shop");
    assertThat(LoadBalancerIndexes.serviceRef(lb)).isEmpty();
    assertThat(LoadBalancerIndexes.healthProbe(lb)).isEmpty();
  }

  @Test
  void everyIndexIsRegistered() {
    assertThat(LoadBalancerIndexes.loadBalancers().keySet())
        .containsExactlyInAnyOrderElementsOf(
            List.of(
                LoadBalancerIndexes.BY_SERVICE_REF,
                LoadBalancerIndexes.BY_HEALTH_PROBE,
                LoadBalancerIndexes.WITH_POD_SELECTOR,
                LoadBalancerIndexes.BY_POOL));
    assertThat(LoadBalancerIndexes.slices()).containsKey(LoadBalancerIndexes.SLICES_BY_SERVICE);
  }

  private static LoadBalancer lb(String spec) {
    return YAML.unmarshal(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata: {name: web, namespace: shop}
        spec:
        """
            + spec.indent(2),
        LoadBalancer.class);
  }
}
