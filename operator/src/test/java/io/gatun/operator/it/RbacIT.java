package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static io.gatun.operator.testing.Patience.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.control.ControlChannelSecurity;
import io.gatun.operator.forwarderset.ForwarderSetOptions;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import io.gatun.operator.testing.TestCertificates;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator runs as the ServiceAccount of deploy/rbac.yaml (impersonated) through every flow it
 * has: pools, static / Service / selector backends, a HealthProbe, a Service of type LoadBalancer
 * (created, changed, leaving the class), deletions, events, leader election, its control channel's
 * TLS material from a Secret, a Forwarder resource for the forwarder that connects, and a
 * ForwarderSet rendered into its DaemonSet and ConfigMap with its status written. If it needed a
 * permission the file does not grant, a flow would stall on a 403 and this test would fail.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class RbacIT {

  static KubernetesClient client;

  @Test
  void everyFlowWorksWithTheDeclaredPermissionsOnly() throws Exception {
    Crds.install(client);
    var cluster = new Cluster(client);
    cluster.namespace("gatun-system");
    cluster.namespace("rbac");
    cluster.create(Files.readString(Path.of(System.getProperty("gatun.rbac"))));
    var operatorClient = impersonating("system:serviceaccount:gatun-system:gatun-operator");
    assertDenied(operatorClient);

    cluster.pool("rbac", "198.18.60.0/29");
    var pki = TestCertificates.create();
    client
        .secrets()
        .inNamespace("gatun-system")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("gatun-operator-tls")
                .endMetadata()
                .addToData(ControlChannelSecurity.CERT, base64(pki.file("server.crt")))
                .addToData(ControlChannelSecurity.KEY, base64(pki.file("server.key")))
                .addToData(ControlChannelSecurity.CA, base64(pki.file("ca.crt")))
                .build())
        .create();
    try (var operator =
            Cluster.startOperator(
                operatorClient,
                OperatorOptions.defaults()
                    .withSecurity(
                        new ControlChannelSecurity.TlsSecret("gatun-system", "gatun-operator-tls"))
                    .withDefaultClass(true)
                    .withLeaderElection(Cluster.leaderElection("gatun-system", "rbac-replica"))
                    .withForwarderSets(
                        new ForwarderSetOptions("gatun-system", "example/forwarder:1")));
        var forwarder = connectWhenLeading(operator, pki)) {
      cluster.create(IpamIT.lb("rbac", "static", "poolRef: rbac\nhealthProbeRef: check"));
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: HealthProbe
          metadata: {name: check, namespace: rbac}
          spec: {type: TCP}
          ---
          apiVersion: discovery.k8s.io/v1beta1
          kind: EndpointSlice
          metadata:
            name: echo-1
            namespace: rbac
            labels: {kubernetes.io/service-name: echo}
          addressType: IPv4
          endpoints: [{addresses: [198.18.0.71]}]
          ---
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: echo, namespace: rbac}
          spec:
            poolRef: rbac
            ports: [{name: http, port: 80}]
            backends: {serviceRef: echo}
          ---
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: pods, namespace: rbac}
          spec:
            poolRef: rbac
            ports: [{name: http, port: 80}]
            backends: {selector: {matchLabels: {app: web}}}
          """);
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: ForwarderSet
          metadata: {name: edge, namespace: gatun-system}
          spec:
            dataPort: {interfaceName: eth1, addresses: {node-1: [198.18.0.2/24]}}
          """);
      cluster.defaultServiceAccount("rbac");
      cluster.pod("rbac", "web-1", Map.of("app", "web"), null, "198.18.0.72", true);
      cluster.create(
          """
          apiVersion: v1
          kind: Service
          metadata: {name: svc, namespace: rbac, annotations: {lb.gatun.io/pool: rbac}}
          spec:
            type: LoadBalancer
            ports: [{name: http, port: 80}]
          """);

      eventually(
          () -> {
            for (String name : new String[] {"static", "echo", "pods"}) {
              assertThat(state(cluster.get("rbac", name), "Ready"))
                  .as(name)
                  .isEqualTo("True/Ready");
            }
            assertThat(cluster.get("rbac", "svc").getStatus().addresses()).hasSize(1);
            var ingress = client.services().inNamespace("rbac").withName("svc").get().getStatus();
            assertThat(ingress.getLoadBalancer().getIngress()).hasSize(1);
            assertThat(
                    client
                        .resources(HealthProbe.class)
                        .inNamespace("rbac")
                        .withName("check")
                        .get()
                        .getStatus()
                        .usedBy())
                .isEqualTo(1);
            assertThat(cluster.pool("rbac").getStatus().allocated()).isEqualTo(4L);
            assertThat(cluster.events("rbac", "static")).isNotEmpty();
            assertThat(client.resources(Forwarder.class).withName("fwd-rbac").get().getStatus())
                .isNotNull();
            assertThat(
                    client.apps().daemonSets().inNamespace("gatun-system").withName("edge").get())
                .isNotNull();
            assertThat(
                    client
                        .configMaps()
                        .inNamespace("gatun-system")
                        .withName("edge-data-addresses")
                        .get())
                .isNotNull();
            assertThat(
                    client
                        .resources(ForwarderSet.class)
                        .inNamespace("gatun-system")
                        .withName("edge")
                        .get()
                        .getStatus()
                        .daemonSet())
                .isEqualTo("edge");
          });

      // The Service changes: its LoadBalancer is brought in step.
      Cluster.retryingConflicts(
          () ->
              client
                  .services()
                  .inNamespace("rbac")
                  .withName("svc")
                  .edit(
                      s ->
                          new ServiceBuilder(s)
                              .editMetadata()
                              .addToAnnotations("lb.gatun.io/sharing-key", "rbac")
                              .endMetadata()
                              .build()));
      eventually(
          () -> assertThat(cluster.get("rbac", "svc").getSpec().sharingKey()).isEqualTo("rbac"));

      cluster.delete("rbac", "static");
      Cluster.retryingConflicts(
          () ->
              client
                  .services()
                  .inNamespace("rbac")
                  .withName("svc")
                  .edit(
                      s ->
                          new ServiceBuilder(s)
                              .editSpec()
                              .withType("ClusterIP")
                              .endSpec()
                              .build()));
      eventually(
          () -> {
            assertThat(cluster.get("rbac", "static")).isNull();
            assertThat(cluster.get("rbac", "svc")).isNull();
            assertThat(cluster.pool("rbac").getStatus().allocated()).isEqualTo(2L);
          });
    }
  }

  private static FakeForwarder connectWhenLeading(GatunOperator operator, TestCertificates pki)
      throws IOException {
    await().atMost(PATIENCE).until(operator::isLeading);
    return FakeForwarder.connect(
        "fwd-rbac",
        "node-rbac",
        operator.grpcPort(),
        FakeForwarder.CAPABILITIES,
        true,
        TlsChannelCredentials.newBuilder()
            .keyManager(pki.file("client.crt").toFile(), pki.file("client.key").toFile())
            .trustManager(pki.file("ca.crt").toFile())
            .build());
  }

  private static String base64(Path file) throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  /** The account really is limited: what the file does not grant is refused. */
  private static void assertDenied(KubernetesClient limited) {
    try {
      limited.secrets().inNamespace("rbac").list();
      throw new AssertionError("the operator account may list secrets");
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(403);
    }
    try {
      limited.resources(LoadBalancer.class).inNamespace("rbac").withName("x").delete();
    } catch (KubernetesClientException e) {
      throw new AssertionError("deleting LoadBalancers is granted, yet refused", e);
    }
  }

  private static KubernetesClient impersonating(String user) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(client.getConfiguration())
                .withImpersonateUsername(user)
                .withImpersonateGroups(
                    "system:serviceaccounts",
                    "system:serviceaccounts:gatun-system",
                    "system:authenticated")
                .build())
        .build();
  }
}
