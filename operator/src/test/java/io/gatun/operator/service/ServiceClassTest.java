package io.gatun.operator.service;

import static io.gatun.operator.testing.Patience.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ConditionStatus;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.status.EventRecorder;
import io.javaoperatorsdk.operator.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services of Gatun's class through the real reconciler and informers, against fabric8's mock API
 * server: the 1.20 server used by the ITs prunes spec.loadBalancerClass.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceClassTest {

  private static final String POOL = "lb.gatun.io/pool";
  private static final String SHARING_KEY = "lb.gatun.io/sharing-key";

  static KubernetesClient client;

  private final List<String> events = new ArrayList<>();
  private static String namespace;
  private Operator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.stop();
    }
  }

  @Test
  void onlyServicesOfGatunsClassGetALoadBalancerAndOthersAreNeverWritten() {
    namespace = "non-default";
    start(false);
    create(service("ours", "lb.gatun.io/dpdk"));
    create(service("metallb", "metallb.io/metallb"));
    create(service("classless", null));
    long otherVersion = resourceVersion("metallb");

    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(loadBalancers()).containsExactly("ours"));
    assertThat(resourceVersion("metallb")).as("never written").isEqualTo(otherVersion);
    var generated =
        client.resources(LoadBalancer.class).inNamespace(namespace).withName("ours").get();
    assertThat(generated.getMetadata().getOwnerReferences().getFirst().getName()).isEqualTo("ours");
    assertThat(generated.getSpec().backends().serviceRef()).isEqualTo("ours");
    assertThat(events).contains("ours LoadBalancerCreated");

    // The LoadBalancer gets its address: the Service shows it.
    generated.setStatus(statusWith("198.18.0.200"));
    client.resource(generated).updateStatus();
    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(ingress("ours")).containsExactly("198.18.0.200"));

    // Leaving the class (here: the type) removes the LoadBalancer and the ingress Gatun wrote.
    client
        .services()
        .inNamespace(namespace)
        .withName("ours")
        .edit(s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").endSpec().build());
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              assertThat(loadBalancers()).isEmpty();
              assertThat(ingress("ours")).isEmpty();
            });
  }

  @Test
  void theGeneratedLoadBalancerFollowsItsServiceDownToWhatItDrops() {
    namespace = "follows";
    start(false);
    var service = service("web", "lb.gatun.io/dpdk");
    service.getMetadata().setLabels(Map.of("team", "web", "tier", "front"));
    service.getMetadata().setAnnotations(Map.of(POOL, "a", SHARING_KEY, "shared-vip"));
    create(service);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              var lb = loadBalancer("web");
              assertThat(lb).isNotNull();
              assertThat(lb.getMetadata().getLabels()).containsKeys("team", "tier");
              assertThat(lb.getSpec().sharingKey()).isEqualTo("shared-vip");
            });

    // A label and an annotation dropped, nothing else changed: the LoadBalancer follows.
    client
        .services()
        .inNamespace(namespace)
        .withName("web")
        .edit(
            s ->
                new ServiceBuilder(s)
                    .editMetadata()
                    .withLabels(Map.of("team", "web"))
                    .withAnnotations(Map.of(POOL, "a"))
                    .endMetadata()
                    .build());
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              var lb = loadBalancer("web");
              assertThat(lb.getMetadata().getLabels())
                  .containsOnlyKeys("team", "lb.gatun.io/service");
              assertThat(lb.getSpec().sharingKey()).isNull();
              assertThat(lb.getSpec().poolRef()).isEqualTo("a");
            });
  }

  @Test
  void asTheDefaultClassItAlsoServesServicesWithoutAClass() {
    namespace = "default-class";
    start(true);
    create(service("classless", null));
    create(service("metallb", "metallb.io/metallb"));

    await()
        .atMost(PATIENCE)
        .untilAsserted(() -> assertThat(loadBalancers()).containsExactly("classless"));
  }

  private void start(boolean defaultClass) {
    operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
    EventRecorder recorder =
        (regarding, type, reason, message) ->
            events.add(regarding.getMetadata().getName() + " " + reason);
    operator.register(new ServiceReconciler(new ServiceClass(defaultClass), recorder));
    operator.start();
  }

  private static Service service(String name, String loadBalancerClass) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withUid(name + "-uid")
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withLoadBalancerClass(loadBalancerClass)
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  private static void create(Service service) {
    client.services().inNamespace(namespace).resource(service).create();
  }

  private static long resourceVersion(String name) {
    return Long.parseLong(
        client
            .services()
            .inNamespace(namespace)
            .withName(name)
            .get()
            .getMetadata()
            .getResourceVersion());
  }

  private static LoadBalancer loadBalancer(String name) {
    return client.resources(LoadBalancer.class).inNamespace(namespace).withName(name).get();
  }

  private static List<String> loadBalancers() {
    return client.resources(LoadBalancer.class).inNamespace(namespace).list().getItems().stream()
        .map(lb -> lb.getMetadata().getName())
        .sorted()
        .toList();
  }

  private static List<String> ingress(String name) {
    var status = client.services().inNamespace(namespace).withName(name).get().getStatus();
    if (status == null
        || status.getLoadBalancer() == null
        || status.getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return status.getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
  }

  private static LoadBalancerStatus statusWith(String address) {
    return new LoadBalancerStatus(
        1L,
        List.of(address),
        address,
        "demo",
        null,
        "80/TCP",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        // Allocated for the generation seen: only a decided address reaches the Service.
        List.of(
            new Condition(
                LoadBalancer.ALLOCATED,
                ConditionStatus.True,
                "Allocated",
                "from pool demo",
                1L,
                "2026-12-06T00:00:00Z")));
  }
}
