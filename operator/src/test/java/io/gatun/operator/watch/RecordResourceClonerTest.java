package io.gatun.operator.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.api.LoadBalancer;
import org.junit.jupiter.api.Test;

/**
 * The reconcilers' copy of a resource: equal to JOSDK's JSON round trip, its metadata its own
 * (JOSDK adds its finalizer to the copy), its records shared.
 */
class RecordResourceClonerTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static final String LOAD_BALANCER =
      """
      {"apiVersion":"gatun.io/v1alpha1","kind":"LoadBalancer",
       "metadata":{"name":"web","namespace":"shop","uid":"u-1","resourceVersion":"42",
         "generation":3,"finalizers":["lb.gatun.io/finalizer"],"labels":{"app":"web"},
         "annotations":{"note":"kept"},
         "ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"web","uid":"s-1"}]},
       "spec":{"ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080}],
         "backends":{"serviceRef":"web"}},
       "status":{"observedGeneration":3,"addresses":["198.18.0.10"],"pool":"default",
         "conditions":[{"type":"Programmed","status":"True","reason":"Programmed",
           "message":"all forwarders run it","lastTransitionTime":"2026-12-07T03:00:00Z",
           "observedGeneration":3}]}}
      """;

  private final RecordResourceCloner cloner = new RecordResourceCloner(JSON);

  @Test
  void aCustomResourceOfRecordsIsCopiedAsTheJsonRoundTripWouldCopyIt() {
    var original = JSON.unmarshal(LOAD_BALANCER, LoadBalancer.class);

    assertThat(original.getStatus().conditions()).hasSize(1);
    assertThat(original.getSpec().ports()).hasSize(1);

    LoadBalancer copy = cloner.clone(original);

    assertThat(copy).isNotSameAs(original).isInstanceOf(LoadBalancer.class);
    assertThat(JSON.asJson(copy)).isEqualTo(JSON.asJson(JSON.clone(original)));
    assertThat(copy.getSpec()).isSameAs(original.getSpec());
    assertThat(copy.getStatus()).isSameAs(original.getStatus());
  }

  @Test
  void theCopysMetadataChangesAloneAsJosdkChangesIt() {
    var original = JSON.unmarshal(LOAD_BALANCER, LoadBalancer.class);
    String before = JSON.asJson(original);

    LoadBalancer copy = cloner.clone(original);
    copy.addFinalizer("other.example/finalizer");
    copy.getMetadata().getLabels().put("added", "x");
    copy.getMetadata().getAnnotations().remove("note");
    copy.getMetadata().getOwnerReferences().getFirst().setName("changed");
    copy.getMetadata().setResourceVersion("43");

    assertThat(JSON.asJson(original)).isEqualTo(before);
    assertThat(original.getFinalizers()).containsExactly("lb.gatun.io/finalizer");
    assertThat(copy.getFinalizers())
        .containsExactly("lb.gatun.io/finalizer", "other.example/finalizer");
  }

  @Test
  void aCoreResourceIsClonedWhole() {
    var service =
        JSON.unmarshal(
            """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},
             "spec":{"type":"LoadBalancer","ports":[{"port":80}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"198.18.0.10"}]}}}
            """,
            Service.class);

    Service copy = cloner.clone(service);
    copy.getStatus().getLoadBalancer().getIngress().clear();

    assertThat(copy.getSpec()).isNotSameAs(service.getSpec());
    assertThat(service.getStatus().getLoadBalancer().getIngress()).hasSize(1);
  }
}
