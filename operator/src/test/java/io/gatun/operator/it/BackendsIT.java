package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static io.gatun.operator.testing.Snapshots.backends;
import static io.gatun.operator.testing.Snapshots.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.HealthProbeSpec;
import io.gatun.operator.api.ProbeType;
import io.gatun.operator.testing.FakeForwarder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where backends come from, against a real kube-apiserver: pods picked by a selector (their
 * readiness set through the status subresource, as a kubelet would), node-local traffic with one
 * forwarder per node, and HealthProbes carried to the forwarders.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class BackendsIT extends RunningOperator {

  @Test
  void selectedPodsAreBackendsWhileReady() {
    cluster.namespace("pods");
    cluster.pool("pods", "198.18.30.0/30");
    cluster.defaultServiceAccount("pods");
    cluster.pod("pods", "web-1", Map.of("app", "web"), "node-a", "198.18.0.41", true);
    cluster.pod("pods", "web-2", Map.of("app", "web"), "node-b", "198.18.0.42", false);
    cluster.pod("pods", "other", Map.of("app", "other"), "node-a", "198.18.0.49", true);

    try (var forwarder =
        FakeForwarder.connect(
            "fwd-pods", "node-a", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: web, namespace: pods}
          spec:
            poolRef: pods
            ports: [{name: http, port: 80}]
            backends: {selector: {matchLabels: {app: web}}}
          """);

      forwarder.awaitSnapshot(
          s -> backends(s, "pods/web/http").equals(List.of("198.18.0.41:8080")));
      eventually(
          () ->
              assertThat(cluster.get("pods", "web").getStatus().backends())
                  .isEqualTo(new BackendCounts(1, 2)));

      cluster.setPodReady("pods", "web-2", true);
      forwarder.awaitSnapshot(
          s ->
              backends(s, "pods/web/http").equals(List.of("198.18.0.41:8080", "198.18.0.42:8080")));

      cluster.setPodReady("pods", "web-1", false);
      cluster.setPodReady("pods", "web-2", false);
      eventually(
          () -> {
            var lb = cluster.get("pods", "web");
            assertThat(state(lb, "BackendsHealthy")).isEqualTo("False/NoHealthyBackends");
            assertThat(state(lb, "Ready")).isEqualTo("False/NoHealthyBackends");
            assertThat(lb.getStatus().backends().summary()).isEqualTo("0/2");
            assertThat(cluster.events("pods", "web"))
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("NoHealthyBackends"));
          });
    }
  }

  /**
   * Created with its Service, before the EndpointSlice controller has written a slice: waiting,
   * quietly, not a Warning that stays in {@code kubectl describe} after the backends came.
   */
  @Test
  void aNewLoadBalancerWaitsForItsServicesFirstEndpointsWithoutAWarning() {
    cluster.namespace("first");
    cluster.pool("first", "198.18.34.0/30");
    try (var forwarder =
        FakeForwarder.connect(
            "fwd-first", "node-a", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      cluster.create(
          """
          apiVersion: v1
          kind: Service
          metadata: {name: echo, namespace: first}
          spec:
            ports: [{name: http, port: 8080}]
          ---
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: echo, namespace: first}
          spec:
            poolRef: first
            ports: [{name: http, port: 80}]
            backends: {serviceRef: echo}
          """);
      eventually(
          () -> {
            var lb = cluster.get("first", "echo");
            assertThat(state(lb, "BackendsHealthy")).isEqualTo("False/AwaitingBackends");
            assertThat(state(lb, "Ready")).isEqualTo("False/AwaitingBackends");
          });

      cluster.create(
          """
          apiVersion: discovery.k8s.io/v1beta1
          kind: EndpointSlice
          metadata:
            name: echo-1
            namespace: first
            labels: {kubernetes.io/service-name: echo}
          addressType: IPv4
          ports: [{name: http, port: 8080, protocol: TCP}]
          endpoints:
          - addresses: [198.18.0.61]
          """);
      forwarder.awaitSnapshot(
          s -> backends(s, "first/echo/http").equals(List.of("198.18.0.61:8080")));
      eventually(
          () -> {
            assertThat(state(cluster.get("first", "echo"), "Ready")).isEqualTo("True/Ready");
            assertThat(cluster.events("first", "echo"))
                .extracting(e -> e.getReason())
                .contains("Allocated", "Programmed");
          });
      assertThat(cluster.events("first", "echo"))
          .noneSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
    }
  }

  @Test
  void nodeLocalTrafficGivesEachForwarderOnlyItsNodesEndpoints() {
    cluster.namespace("local");
    cluster.pool("local", "198.18.31.0/30");
    cluster.create(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: local}
        spec:
          ports: [{name: http, port: 8080}]
        ---
        apiVersion: discovery.k8s.io/v1beta1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: local
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: http, port: 8080, protocol: TCP}]
        endpoints:
        - addresses: [198.18.0.51]
          topology: {kubernetes.io/hostname: node-a}
        - addresses: [198.18.0.52]
          topology: {kubernetes.io/hostname: node-b}
        - addresses: [198.18.0.53]
          topology: {kubernetes.io/hostname: node-a}
        """);
    try (var a =
            FakeForwarder.connect(
                "fwd-a", "node-a", operator.grpcPort(), FakeForwarder.CAPABILITIES, true);
        var b =
            FakeForwarder.connect(
                "fwd-b", "node-b", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: echo, namespace: local}
          spec:
            poolRef: local
            ports: [{name: http, port: 80}]
            backends: {serviceRef: echo}
            externalTrafficPolicy: Local
          """);

      a.awaitSnapshot(
          s ->
              backends(s, "local/echo/http")
                  .equals(List.of("198.18.0.51:8080", "198.18.0.53:8080")));
      b.awaitSnapshot(s -> backends(s, "local/echo/http").equals(List.of("198.18.0.52:8080")));
      eventually(
          () -> assertThat(state(cluster.get("local", "echo"), "Ready")).isEqualTo("True/Ready"));
    }
  }

  @Test
  void aHealthProbeTravelsWithTheServicesAndKnowsWhoUsesIt() {
    cluster.namespace("probed");
    cluster.pool("probed", "198.18.32.0/30");
    try (var forwarder =
        FakeForwarder.connect(
            "fwd-probed", "node-p", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: LoadBalancer
          metadata: {name: web, namespace: probed}
          spec:
            poolRef: probed
            ports: [{name: http, port: 80, targetPort: 8080}]
            backends: {static: [{address: 198.18.0.11}]}
            healthProbeRef: web-check
          """);
      // Unprobed: BackendsHealthy says so on its own reason, with an event; traffic still flows.
      eventually(
          () -> {
            var lb = cluster.get("probed", "web");
            assertThat(state(lb, "BackendsHealthy")).isEqualTo("False/HealthProbeNotFound");
            assertThat(Cluster.condition(lb, "BackendsHealthy").orElseThrow().message())
                .isEqualTo(
                    "HealthProbe web-check does not exist, so no backend is probed: 1 of 1 backend"
                        + " takes traffic on their readiness alone: create it, or fix or remove"
                        + " spec.healthProbeRef");
            assertThat(state(lb, "Ready")).isEqualTo("True/Ready");
            assertThat(Cluster.condition(lb, "Ready").orElseThrow().message())
                .endsWith("unprobed: HealthProbe web-check does not exist");
            assertThat(cluster.events("probed", "web"))
                .anySatisfy(
                    e -> {
                      assertThat(e.getType()).isEqualTo("Warning");
                      assertThat(e.getReason()).isEqualTo("HealthProbeNotFound");
                    });
          });

      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: HealthProbe
          metadata: {name: web-check, namespace: probed}
          spec:
            type: HTTP
            periodMillis: 2000
            http: {path: /healthz, expectedStatuses: [{from: 200, to: 299}]}
          """);

      Snapshot snapshot =
          forwarder.awaitSnapshot(
              s -> service(s, "probed/web/http").map(VirtualService::hasHealthCheck).orElse(false));
      HealthCheck check = service(snapshot, "probed/web/http").orElseThrow().getHealthCheck();
      assertThat(check.getProbe()).isEqualTo("probed/web-check");
      assertThat(check.getType()).isEqualTo(HealthCheck.Type.HTTP);
      assertThat(check.getHttpPath()).isEqualTo("/healthz");
      assertThat(check.getPeriodMillis()).isEqualTo(2000);
      assertThat(check.getUnhealthyThreshold()).as("defaulted by the server").isEqualTo(3);
      eventually(
          () -> {
            var probe =
                client
                    .resources(HealthProbe.class)
                    .inNamespace("probed")
                    .withName("web-check")
                    .get();
            assertThat(probe.getStatus().usedBy()).isEqualTo(1);
            assertThat(probe.getStatus().loadBalancers()).containsExactly("web");
            assertThat(probe.getStatus().conditions().getFirst().reason()).isEqualTo("Valid");
          });
      eventually(
          () ->
              assertThat(state(cluster.get("probed", "web"), "BackendsHealthy"))
                  .isEqualTo("True/Healthy"));

      // A probe the API server stored but the operator cannot use (1.20 ignores CEL rules).
      Cluster.retryingConflicts(
          () ->
              client
                  .resources(HealthProbe.class)
                  .inNamespace("probed")
                  .withName("web-check")
                  .edit(
                      probe -> {
                        probe.setSpec(
                            new HealthProbeSpec(
                                ProbeType.TCP, null, 1000, 2000, null, null, null, null, null));
                        return probe;
                      }));
      eventually(
          () -> {
            var lb = cluster.get("probed", "web");
            assertThat(state(lb, "BackendsHealthy")).isEqualTo("False/HealthProbeInvalid");
            assertThat(Cluster.condition(lb, "BackendsHealthy").orElseThrow().message())
                .startsWith("HealthProbe web-check is not valid (spec: timeoutMillis must not")
                .endsWith("fix the HealthProbe, or name another in spec.healthProbeRef");
            assertThat(state(lb, "Ready")).isEqualTo("True/Ready");
          });
    }
  }
}
