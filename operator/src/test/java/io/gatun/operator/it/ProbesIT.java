package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.PortState;
import io.gatun.operator.api.BackendHealthStatus;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.testing.FakeForwarder;
import org.junit.jupiter.api.Test;

/**
 * Health probes and the fleet as users see them, against a real kube-apiserver: what a forwarder's
 * prober reports becomes each LoadBalancer's backend health (counts, per-backend results, the
 * BackendsHealthy condition and event), and every forwarder gets a Forwarder resource that says
 * whether it is connected, what it runs and what it announces.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class ProbesIT extends RunningOperator {

  @Test
  void probeResultsBecomeBackendHealthAndTheForwarderIsVisible() {
    cluster.namespace("probes");
    cluster.pool("probes", "198.18.70.0/30");
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: HealthProbe
        metadata: {name: check, namespace: probes}
        spec: {type: TCP, periodMillis: 1000}
        ---
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata: {name: web, namespace: probes}
        spec:
          poolRef: probes
          ports: [{name: http, port: 80, targetPort: 8080}]
          backends: {static: [{address: 198.18.0.11}, {address: 198.18.0.12}, {address: 198.18.0.13}]}
          healthProbeRef: check
        """);

    var forwarder =
        FakeForwarder.connect(
            "Probe-Fwd", "node-p", operator.grpcPort(), FakeForwarder.CAPABILITIES, true);
    forwarder.awaitSnapshot(s -> s.getServicesCount() == 1 && s.getServices(0).hasHealthCheck());
    forwarder.observe(
        Observation.newBuilder()
            .setCompleteHealth(true)
            .addBackendHealth(verdict("198.18.0.11", true, "connected in 0.2 ms"))
            .addBackendHealth(verdict("198.18.0.12", false, "connect refused"))
            .addBackendHealth(verdict("198.18.0.13", true, "connected in 0.3 ms"))
            .addVipsOwned("198.18.70.0")
            .setRxPacketsPerSecond(1234.4)
            .addPorts(
                PortState.newBuilder()
                    .setName("net_af_packet0")
                    .setLinkUp(true)
                    .setRxPackets(1000)
                    .setTxPackets(990))
            .build());

    eventually(
        () -> {
          var lb = cluster.get("probes", "web");
          assertThat(lb.getStatus().backends().summary()).isEqualTo("2/3");
          assertThat(lb.getStatus().backendHealth())
              .first()
              .isEqualTo(
                  new BackendHealthStatus(
                      "198.18.0.12",
                      8080,
                      false,
                      "Probe-Fwd: connect refused",
                      "2026-01-01T00:00:00Z",
                      null,
                      BackendHealthStatus.PROBE_FAILURE));
          assertThat(lb.getStatus().backendHealth()).hasSize(3);
          assertThat(Cluster.condition(lb, "BackendsHealthy").orElseThrow().message())
              .isEqualTo(
                  "2 of 3 backends take traffic; failing their health probe: 198.18.0.12:8080"
                      + " (Probe-Fwd: connect refused)");
          assertThat(lb.getStatus().announcedBy()).containsExactly("Probe-Fwd");
          assertThat(state(lb, "Ready")).isEqualTo("True/Ready");

          var resource = client.resources(Forwarder.class).withName("probe-fwd").get();
          var status = resource.getStatus();
          assertThat(status.node()).isEqualTo("node-p");
          assertThat(Cluster.condition2(status.conditions(), "Connected"))
              .isEqualTo("True/Connected");
          assertThat(status.vipsOwned()).containsExactly("198.18.70.0");
          assertThat(status.vipCount()).isEqualTo(1);
          assertThat(status.rxPacketsPerSecond()).isEqualTo(1234L);
          assertThat(status.appliedSnapshotVersion())
              .isEqualTo(forwarder.latest().getSnapshotVersion());
          assertThat(status.ports())
              .singleElement()
              .satisfies(
                  p -> {
                    assertThat(p.name()).isEqualTo("net_af_packet0");
                    assertThat(p.rxPackets()).isEqualTo(1000L);
                    assertThat(p.addresses()).containsExactly("198.18.0.2/24");
                  });
        });

    // Threshold crossings: the other two fail too.
    forwarder.observe(
        Observation.newBuilder()
            .addBackendHealth(verdict("198.18.0.11", false, "timeout after 1000 ms"))
            .addBackendHealth(verdict("198.18.0.13", false, "connect refused"))
            .build());
    eventually(
        () -> {
          var lb = cluster.get("probes", "web");
          assertThat(lb.getStatus().backends().summary()).isEqualTo("0/3");
          assertThat(state(lb, "BackendsHealthy")).isEqualTo("False/NoHealthyBackends");
          assertThat(state(lb, "Ready")).isEqualTo("False/NoHealthyBackends");
          assertThat(Cluster.condition(lb, "Ready").orElseThrow().message())
              .startsWith(
                  "every backend fails its health probe: 198.18.0.11:8080 (Probe-Fwd: timeout")
              .endsWith("check the backends, or the HealthProbe check");
          assertThat(cluster.events("probes", "web"))
              .extracting(Event::getReason)
              .contains("NoHealthyBackends");
        });

    // The forwarder goes away: its verdicts with it, and its resource says so.
    forwarder.close();
    eventually(
        () -> {
          var lb = cluster.get("probes", "web");
          assertThat(lb.getStatus().backendHealth()).isEmpty();
          assertThat(state(lb, "Programmed")).isEqualTo("False/NoForwarders");
          var status = client.resources(Forwarder.class).withName("probe-fwd").get().getStatus();
          assertThat(Cluster.condition2(status.conditions(), "Connected"))
              .isEqualTo("False/Disconnected");
          assertThat(status.vipsOwned()).isEmpty();
          assertThat(cluster.events("default", "probe-fwd"))
              .extracting(Event::getReason)
              .contains("Disconnected");
        });
  }

  @Test
  void aPassiveEjectionAndTheReturnAreEventsOnTheLoadBalancer() {
    cluster.namespace("passive");
    cluster.pool("passive", "198.18.70.4/30");
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: HealthProbe
        metadata: {name: check, namespace: passive}
        spec: {type: TCP, periodMillis: 1000}
        ---
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata: {name: web, namespace: passive}
        spec:
          poolRef: passive
          ports: [{name: http, port: 80, targetPort: 8080}]
          backends: {static: [{address: 198.18.0.21}, {address: 198.18.0.22}]}
          healthProbeRef: check
        """);
    var forwarder =
        FakeForwarder.connect(
            "Passive-Fwd", "node-q", operator.grpcPort(), FakeForwarder.CAPABILITIES, true);
    try {
      // The other test's LoadBalancer may still be in the snapshot (test order is not fixed):
      // wait for this one's service, probed.
      forwarder.awaitSnapshot(
          s ->
              s.getServicesList().stream()
                  .anyMatch(v -> v.getKey().equals("passive/web/http") && v.hasHealthCheck()));
      forwarder.observe(
          Observation.newBuilder()
              .setCompleteHealth(true)
              .addBackendHealth(passiveVerdict("198.18.0.21", true, false, "connected in 0.2 ms"))
              .addBackendHealth(passiveVerdict("198.18.0.22", true, false, "connected in 0.3 ms"))
              .build());
      String saw =
          "PassiveFailure: 5 new connections failed in a row (5 reset, 0 unreachable, 0"
              + " unanswered after 1000 ms)";
      forwarder.observe(
          Observation.newBuilder()
              .addBackendHealth(passiveVerdict("198.18.0.22", false, true, saw))
              .build());
      eventually(
          () -> {
            var lb = cluster.get("passive", "web");
            assertThat(lb.getStatus().backendHealth())
                .first()
                .satisfies(
                    b ->
                        assertThat(b.outOfRotation())
                            .isEqualTo(BackendHealthStatus.PASSIVE_FAILURE));
            assertThat(cluster.events("passive", "web"))
                .filteredOn(e -> e.getReason().equals("BackendEjected"))
                .singleElement()
                .satisfies(
                    e -> {
                      assertThat(e.getType()).isEqualTo("Warning");
                      assertThat(e.getMessage())
                          .isEqualTo(
                              "forwarder Passive-Fwd took backend 198.18.0.22:8080 of"
                                  + " passive/web/http out of rotation: "
                                  + saw);
                    });
          });

      forwarder.observe(
          Observation.newBuilder()
              .addBackendHealth(passiveVerdict("198.18.0.22", true, false, "connected in 0.4 ms"))
              .build());
      eventually(
          () ->
              assertThat(cluster.events("passive", "web"))
                  .filteredOn(e -> e.getReason().equals("BackendReturned"))
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Normal");
                        assertThat(e.getMessage())
                            .isEqualTo(
                                "forwarder Passive-Fwd put backend 198.18.0.22:8080 of"
                                    + " passive/web/http back in rotation: connected in 0.4 ms");
                      }));
      assertThat(cluster.events("passive", "web"))
          .extracting(Event::getReason)
          .as("one event per crossing")
          .containsOnlyOnce("BackendEjected", "BackendReturned");
    } finally {
      forwarder.close();
    }
  }

  private static BackendHealth passiveVerdict(
      String address, boolean healthy, boolean passive, String reason) {
    return BackendHealth.newBuilder()
        .setServiceKey("passive/web/http")
        .setAddress(address)
        .setPort(8080)
        .setHealthy(healthy)
        .setReason(reason)
        .setProbe("passive/check")
        .setChangedAtUnixMillis(1_767_225_600_000L)
        .setPassiveFailure(passive)
        .build();
  }

  private static BackendHealth verdict(String address, boolean healthy, String reason) {
    return BackendHealth.newBuilder()
        .setServiceKey("probes/web/http")
        .setAddress(address)
        .setPort(8080)
        .setHealthy(healthy)
        .setReason(reason)
        .setProbe("probes/check")
        .setChangedAtUnixMillis(1_767_225_600_000L)
        .build();
  }
}
