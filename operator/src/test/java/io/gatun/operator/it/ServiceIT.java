package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.ExternalTrafficPolicy;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Services of type LoadBalancer against a real kube-apiserver. 1.20 prunes spec.loadBalancerClass,
 * so the operator runs as the default class here (class filtering: ServiceClassTest).
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class ServiceIT {

  static KubernetesClient client;
  static Cluster cluster;
  static GatunOperator operator;

  @BeforeAll
  static void startOperator() throws Exception {
    Crds.install(client);
    cluster = new Cluster(client);
    operator = Cluster.startOperator(client, OperatorOptions.defaults().withDefaultClass(true));
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  @Test
  void aServiceGetsAGeneratedLoadBalancerAndItsAddressAsIngress() {
    cluster.namespace("svc");
    cluster.pool("svc-pool", "198.18.40.0/30");
    cluster.create(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: svc
          labels: {team: web}
          annotations:
            lb.gatun.io/pool: svc-pool
            lb.gatun.io/sharing-key: web
            lb.gatun.io/health-probe: web-check
            lb.gatun.io/forwarding-mode: Teleport
        spec:
          type: LoadBalancer
          externalTrafficPolicy: Local
          ports:
          - {name: http, port: 80, targetPort: 8080, protocol: TCP}
          - {name: admin, port: 9000, protocol: TCP}
        ---
        apiVersion: discovery.k8s.io/v1beta1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: svc
          labels: {kubernetes.io/service-name: web}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}, {name: admin, port: 9090, protocol: TCP}]
        endpoints:
        - addresses: [198.18.0.61]
          topology: {kubernetes.io/hostname: node-svc}
        """);
    try (var forwarder =
        FakeForwarder.connect(
            "fwd-svc", "node-svc", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      eventually(
          () -> {
            var lb = cluster.get("svc", "web");
            assertThat(lb.getMetadata().getOwnerReferences().getFirst().getKind())
                .isEqualTo("Service");
            assertThat(lb.getMetadata().getLabels())
                .containsEntry("team", "web")
                .containsEntry("lb.gatun.io/service", "web");
            var spec = lb.getSpec();
            assertThat(spec.poolRef()).isEqualTo("svc-pool");
            assertThat(spec.sharingKey()).isEqualTo("web");
            assertThat(spec.healthProbeRef()).isEqualTo("web-check");
            assertThat(spec.externalTrafficPolicy()).isEqualTo(ExternalTrafficPolicy.Local);
            assertThat(spec.backends().serviceRef()).isEqualTo("web");
            assertThat(spec.ports())
                .containsExactly(
                    new LoadBalancerPort("http", Protocol.TCP, 80, 8080),
                    new LoadBalancerPort("admin", Protocol.TCP, 9000, 9000));
            assertThat(ingress("svc", "web")).containsExactly("198.18.40.0");
            assertThat(state(lb, "Ready")).isEqualTo("True/Ready");
            assertThat(cluster.events("svc", "web"))
                .extracting(Event::getReason)
                .contains("LoadBalancerCreated", "InvalidAnnotation");
          });
      forwarder.awaitSnapshot(
          s ->
              s.getServicesList().stream()
                  .anyMatch(
                      v ->
                          v.getKey().equals("svc/web/admin")
                              && v.getBackends(0).getPort() == 9000));
    }

    // Not a LoadBalancer any more: the generated one goes, and so does the ingress.
    Cluster.retryingConflicts(
        () ->
            client
                .services()
                .inNamespace("svc")
                .withName("web")
                .edit(
                    s -> new ServiceBuilder(s).editSpec().withType("ClusterIP").endSpec().build()));
    eventually(
        () -> {
          assertThat(cluster.get("svc", "web")).isNull();
          assertThat(ingress("svc", "web")).isEmpty();
          assertThat(cluster.pool("svc-pool").getStatus().allocated()).isZero();
        });
  }

  @Test
  void deletingTheServiceDeletesItsLoadBalancerWithoutAGarbageCollector() {
    cluster.namespace("gone");
    cluster.pool("gone-pool", "198.18.41.0/30");
    cluster.create(
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: gone
          annotations: {lb.gatun.io/pool: gone-pool, lb.gatun.io/addresses: 198.18.41.2}
        spec:
          type: LoadBalancer
          ports: [{port: 80}]
        """);
    eventually(
        () -> {
          var lb = cluster.get("gone", "web");
          assertThat(lb.getSpec().ports().getFirst().name())
              .as("an unnamed port")
              .isEqualTo("tcp-80");
          assertThat(lb.getStatus().addresses()).containsExactly("198.18.41.2");
        });

    client.services().inNamespace("gone").withName("web").delete();

    eventually(
        () -> {
          assertThat(cluster.get("gone", "web")).isNull();
          assertThat(cluster.pool("gone-pool").getStatus().allocated()).isZero();
        });
  }

  @Test
  void aLoadBalancerOfTheSameNameNotGeneratedFromTheServiceIsLeftAlone() {
    cluster.namespace("clash");
    cluster.pool("clash-pool", "198.18.42.0/30");
    cluster.create(IpamIT.lb("clash", "web", "poolRef: clash-pool"));
    cluster.create(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: clash}
        spec:
          type: LoadBalancer
          ports: [{name: http, port: 8080}]
        """);

    eventually(
        () -> {
          assertThat(cluster.events("clash", "web"))
              .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("NameConflict"));
          assertThat(cluster.get("clash", "web").getSpec().ports().getFirst().port()).isEqualTo(80);
          assertThat(ingress("clash", "web")).isEmpty();
        });
  }

  @Test
  void aLoadBalancerMadeAnewTakesTheAddressItsServiceShowsNotTheLowestFree() {
    cluster.namespace("again");
    cluster.pool("again-pool", "198.18.43.0/29");
    // One after the other, so that a, b and c hold .0, .1 and .2.
    for (String name : List.of("a", "b", "c")) {
      cluster.create(
          """
          apiVersion: v1
          kind: Service
          metadata:
            name: %s
            namespace: again
            annotations: {lb.gatun.io/pool: again-pool}
          spec:
            type: LoadBalancer
            ports: [{name: http, port: 80}]
          """
              .formatted(name));
      eventually(() -> assertThat(ingress("again", name)).hasSize(1));
    }
    assertThat(ingress("again", "c")).containsExactly("198.18.43.2");
    client.services().inNamespace("again").withName("a").delete();
    eventually(() -> assertThat(cluster.pool("again-pool").getStatus().allocated()).isEqualTo(2));
    String uid = cluster.get("again", "c").getMetadata().getUid();

    // As when Gatun is uninstalled and installed again: c's LoadBalancer goes, the Service stays.
    client.resources(LoadBalancer.class).inNamespace("again").withName("c").delete();

    eventually(
        () -> {
          var lb = cluster.get("again", "c");
          assertThat(lb).isNotNull();
          assertThat(lb.getMetadata().getUid()).as("made anew").isNotEqualTo(uid);
          assertThat(lb.getMetadata().getAnnotations())
              .containsEntry(LoadBalancer.PREVIOUS_ADDRESSES, "198.18.43.2");
          // .0 is the lowest free address; the Service keeps the one it showed.
          assertThat(lb.getStatus().addresses()).containsExactly("198.18.43.2");
          assertThat(ingress("again", "c")).containsExactly("198.18.43.2");
        });
  }

  private static List<String> ingress(String namespace, String name) {
    var status = client.services().inNamespace(namespace).withName(name).get().getStatus();
    if (status == null
        || status.getLoadBalancer() == null
        || status.getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return status.getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp).toList();
  }
}
