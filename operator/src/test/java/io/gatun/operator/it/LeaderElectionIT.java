package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.testing.Patience.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.LeaderElection;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/**
 * Two replicas against a real kube-apiserver: one leads, the standby turns forwarders away and
 * reconciles nothing; when the leader stops, the standby takes the Lease, rebuilds IPAM from the
 * API and carries on without handing out an address twice.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class LeaderElectionIT {

  static KubernetesClient client;

  @Test
  void theStandbyTakesOverWithTheLeadersAddressesIntact() throws Exception {
    Crds.install(client);
    var cluster = new Cluster(client);
    cluster.namespace("ha");
    cluster.pool("ha", "198.18.50.0/30");

    GatunOperator a = start("replica-a");
    await().atMost(PATIENCE).until(a::isLeading);
    GatunOperator b = start("replica-b");
    try {
      cluster.create(IpamIT.lb("ha", "first", "poolRef: ha"));
      eventually(
          () ->
              assertThat(cluster.get("ha", "first").getStatus().addresses())
                  .containsExactly("198.18.50.0"));
      assertThat(b.isLeading()).isFalse();
      try (var turnedAway = FakeForwarder.connect("fwd-standby", b.grpcPort())) {
        await().atMost(PATIENCE).until(() -> turnedAway.ended() != null);
        assertThat(turnedAway.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(turnedAway.received()).isEmpty();
      }

      a.close();
      await().atMost(PATIENCE).until(b::isLeading);
      assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("replica-b");

      cluster.create(IpamIT.lb("ha", "second", "poolRef: ha"));
      try (var forwarder =
          FakeForwarder.connect(
              "fwd-ha", "node-ha", b.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
        eventually(
            () -> {
              assertThat(cluster.get("ha", "second").getStatus().addresses())
                  .containsExactly("198.18.50.1");
              assertThat(cluster.get("ha", "first").getStatus().addresses())
                  .containsExactly("198.18.50.0");
              assertThat(Cluster.state(cluster.get("ha", "first"), "Ready"))
                  .isEqualTo("True/Ready");
            });
        forwarder.awaitSnapshot(s -> s.getServicesCount() == 2);
      }
    } finally {
      a.close();
      b.close();
    }
  }

  private static GatunOperator start(String identity) {
    return Cluster.startOperator(
        client,
        OperatorOptions.defaults().withLeaderElection(Cluster.leaderElection("default", identity)));
  }

  private static Lease lease() {
    return client.leases().inNamespace("default").withName(LeaderElection.DEFAULT_LEASE).get();
  }
}
