package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.gatun.control.v1.AddressConflict;
import io.gatun.control.v1.FleetPeer;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.VipMove;
import io.gatun.operator.api.FleetPeerStatus;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.VipAnnouncement;
import io.gatun.operator.testing.FakeForwarder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fleet as users see it, against a real kube-apiserver: two forwarders report who owns the VIP,
 * the peers they hear, a move and a conflict (observation fields 5 and 30-32); the LoadBalancer
 * says who answers for it (status.announcements, the Announced condition), tells the move once
 * though both forwarders report it, and warns about the foreign MAC; the Forwarders list their
 * peers. One forwarder lists its VIPs in every observation, the other (as agents that offer
 * OBSERVATION_CHANGES do) only the VIPs it gained and lost.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class AnnouncementIT extends RunningOperator {

  @Test
  void whoAnswersForTheVipItsMovesAndConflictsShowOnTheLoadBalancer() {
    cluster.namespace("fleet");
    cluster.pool("fleet", "198.18.72.10/32");
    cluster.staticLoadBalancer("fleet", "web", "fleet", "198.18.0.11");
    String vip = "198.18.72.10";

    try (var a =
            FakeForwarder.connect(
                "fwd-a", "node-a", operator.grpcPort(), FakeForwarder.CAPABILITIES, true);
        // fwd-b reports its VIPs as changes (the agent since OBSERVATION_CHANGES), fwd-a whole
        // (an agent from before): the operator tells the same story from both.
        var b =
            FakeForwarder.connect(
                "fwd-b",
                "node-b",
                operator.grpcPort(),
                FakeForwarder.OBSERVATION_CHANGES_CAPABLE,
                true)) {
      // Its own service, whatever other tests' LoadBalancers the server still holds.
      a.awaitSnapshot(s -> s.getServicesList().stream().anyMatch(v -> v.getVip().equals(vip)));
      b.awaitSnapshot(s -> s.getServicesList().stream().anyMatch(v -> v.getVip().equals(vip)));

      // Programmed, but nobody has said it answers for the VIP yet.
      eventually(
          () -> {
            var lb = cluster.get("fleet", "web");
            assertThat(state(lb, "Programmed")).isEqualTo("True/Programmed");
            assertThat(state(lb, "Announced")).isEqualTo("False/NotAnnounced");
            assertThat(Cluster.condition(lb, "Announced").orElseThrow().message())
                .startsWith("no forwarder answers for " + vip);
          });

      a.observe(report(List.of(vip), peer("fwd-b", "node-b", "02:00:00:00:00:0b")).build());
      b.observe(report(List.of(), peer("fwd-a", "node-a", "02:00:00:00:00:0a")).build());
      eventually(
          () -> {
            var lb = cluster.get("fleet", "web");
            assertThat(lb.getStatus().announcedBy()).containsExactly("fwd-a");
            assertThat(lb.getStatus().announcements())
                .extracting(
                    VipAnnouncement::address, VipAnnouncement::forwarder, VipAnnouncement::node)
                .containsExactly(tuple(vip, "fwd-a", "node-a"));
            assertThat(state(lb, "Announced")).isEqualTo("True/Announced");
            assertThat(Cluster.condition(lb, "Announced").orElseThrow().message())
                .isEqualTo(vip + " by fwd-a on node-a");
            var forwarder = client.resources(Forwarder.class).withName("fwd-a").get().getStatus();
            assertThat(forwarder.peers())
                .containsExactly(new FleetPeerStatus("fwd-b", "node-b", "02:00:00:00:00:0b"));
            assertThat(forwarder.peerCount()).isEqualTo(1);
            assertThat(forwarder.vipCount()).isEqualTo(1);
          });

      // fwd-a leaves gracefully: it reports giving the VIP up, fwd-b taking it; one move.
      long now = System.currentTimeMillis();
      var lost = move(vip, false, "leaving", now);
      var gained = move(vip, true, "peer fwd-a left", now + 3);
      a.observe(report(List.of()).addVipMoves(lost).build());
      // The operator hears fwd-a first (the other order is told too, without fwd-a's reason).
      eventually(
          () ->
              assertThat(
                      client
                          .resources(Forwarder.class)
                          .withName("fwd-a")
                          .get()
                          .getStatus()
                          .vipCount())
                  .isZero());
      b.observe(
          report(List.of(vip), peer("fwd-a", "node-a", "02:00:00:00:00:0a"))
              .addVipMoves(gained)
              .build());
      String moved =
          vip + " moved from fwd-a (node-a) to fwd-b (node-b): peer fwd-a left (fwd-a: leaving)";
      eventually(
          () -> {
            var lb = cluster.get("fleet", "web");
            assertThat(lb.getStatus().announcements())
                .extracting(VipAnnouncement::forwarder, VipAnnouncement::node)
                .containsExactly(tuple("fwd-b", "node-b"));
            assertThat(moves()).containsExactly(moved);
          });
      // Both resend their recent moves with every observation: still one event.
      a.observe(report(List.of()).addVipMoves(lost).build());
      b.observe(report(List.of(vip)).addVipMoves(gained).build());
      a.observe(report(List.of()).addVipMoves(lost).build());
      eventually(
          () ->
              assertThat(cluster.get("fleet", "web").getStatus().announcedBy())
                  .containsExactly("fwd-b"));
      assertThat(moves()).containsExactly(moved);
      assertThat(b.changesSent())
          .as("fwd-b: its first observation whole, the two after as changes")
          .isEqualTo(2);
      assertThat(a.changesSent()).as("fwd-a offers no changes: it sends them whole").isZero();

      // A foreign device answers for the VIP too.
      b.observe(
          report(List.of(vip))
              .addVipMoves(gained)
              .addAddressConflicts(
                  AddressConflict.newBuilder()
                      .setAddress(vip)
                      .setMac("02:00:00:00:00:99")
                      .setVia("ARP")
                      .setCount(2)
                      .setLastSeenUnixMillis(System.currentTimeMillis()))
              .build());
      eventually(
          () -> {
            var lb = cluster.get("fleet", "web");
            assertThat(state(lb, "Announced")).isEqualTo("False/AddressConflict");
            assertThat(Cluster.condition(lb, "Announced").orElseThrow().message())
                .startsWith(
                    vip
                        + ": MAC 02:00:00:00:00:99 answers for it too (no forwarder of this"
                        + " fleet), seen by fwd-b (node-b) via ARP 2 times");
            assertThat(state(lb, "Ready")).isEqualTo("True/Ready");
            assertThat(cluster.events("fleet", "web"))
                .filteredOn(e -> e.getReason().equals("AddressConflict"))
                .singleElement()
                .satisfies(
                    e -> {
                      assertThat(e.getType()).isEqualTo("Warning");
                      assertThat(e.getMessage()).contains("02:00:00:00:00:99");
                    });
            var forwarder = client.resources(Forwarder.class).withName("fwd-b").get().getStatus();
            assertThat(forwarder.addressConflicts()).hasSize(1);
          });
    }
  }

  @Test
  void aPoolsTimersAndNodeSelectorReachTheForwardersAsTheFleetConfiguration() {
    cluster.namespace("fleet-config");
    for (String node : List.of("edge-1", "edge-2")) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(node)
                  .withLabels(Map.of("gatun-edge", node.equals("edge-1") ? "true" : "false"))
                  .endMetadata()
                  .build())
          .create();
    }
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: Pool
        metadata: {name: edge}
        spec:
          addresses: [198.18.73.10/32]
          announcement:
            nodeSelector: {matchLabels: {gatun-edge: "true"}}
            l2: {intervalMillis: 50, multiplier: 4, garpCount: 5}
        """);
    cluster.staticLoadBalancer("fleet-config", "web", "edge", "198.18.0.11");

    try (var forwarder =
        FakeForwarder.connect(
            "fwd-edge", "edge-1", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      var snapshot =
          forwarder.awaitSnapshot(
              s ->
                  s.getFleet().getVipsList().stream()
                      .anyMatch(
                          v ->
                              v.getPool().equals("edge")
                                  && v.getCandidateNodesList().equals(List.of("edge-1"))));
      assertThat(snapshot.getFleet().getPoolsList())
          .filteredOn(p -> p.getName().equals("edge"))
          .singleElement()
          .isEqualTo(
              FleetPool.newBuilder()
                  .setName("edge")
                  .setIntervalMillis(50)
                  .setMultiplier(4)
                  .setGarpCount(5)
                  .setGarpIntervalMillis(100)
                  .build());
      assertThat(snapshot.getFleet().getVipsList())
          .filteredOn(v -> v.getPool().equals("edge"))
          .singleElement()
          .isEqualTo(
              FleetVip.newBuilder()
                  .setAddress("198.18.73.10")
                  .setPool("edge")
                  .setRestricted(true)
                  .addCandidateNodes("edge-1")
                  .build());

      // A node labelled into the Pool's selector becomes a candidate.
      client
          .nodes()
          .withName("edge-2")
          .edit(
              n ->
                  new NodeBuilder(n)
                      .editMetadata()
                      .addToLabels("gatun-edge", "true")
                      .endMetadata()
                      .build());
      forwarder.awaitSnapshot(
          s ->
              s.getFleet().getVipsList().stream()
                  .anyMatch(
                      v ->
                          v.getAddress().equals("198.18.73.10")
                              && v.getCandidateNodesList().equals(List.of("edge-1", "edge-2"))));
    }
  }

  private List<String> moves() {
    return cluster.events("fleet", "web").stream()
        .filter(e -> e.getReason().equals("VipMoved"))
        .peek(e -> assertThat(e.getType()).isEqualTo("Normal"))
        .map(Event::getMessage)
        .toList();
  }

  private static Observation.Builder report(List<String> owned, FleetPeer... peers) {
    return Observation.newBuilder().addAllVipsOwned(owned).addAllPeersSeen(List.of(peers));
  }

  private static FleetPeer peer(String name, String node, String mac) {
    return FleetPeer.newBuilder().setName(name).setNode(node).setMac(mac).setPriority(100).build();
  }

  private static VipMove move(String address, boolean gained, String reason, long at) {
    return VipMove.newBuilder()
        .setAddress(address)
        .setGained(gained)
        .setReason(reason)
        .setAtUnixMillis(at)
        .build();
  }
}
