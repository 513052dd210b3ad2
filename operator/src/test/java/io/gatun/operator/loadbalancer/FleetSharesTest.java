package io.gatun.operator.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.operator.api.Announcement;
import io.gatun.operator.api.AnnouncementMode;
import io.gatun.operator.api.L2Announcement;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetSharesTest {

  private static final Map<String, Map<String, String>> NODES =
      Map.of(
          "node-a", Map.of("zone", "east"),
          "node-b", Map.of("zone", "west"),
          "node-c", Map.of("zone", "east"));
  private static final Map<String, Set<String>> PORTS =
      Map.of("node-a", Set.of("eth1"), "node-b", Set.of("eth1"), "node-c", Set.of("eth2"));

  @Test
  void anUnrestrictedPoolLeavesEveryLiveForwarderACandidateWithTheDefaultTimers() {
    var share =
        FleetShares.of(
            pool(null, null, null), List.of("198.18.0.10"), false, Set.of(), NODES, PORTS);
    assertThat(share.pool())
        .isEqualTo(
            FleetPool.newBuilder()
                .setName("edge")
                .setIntervalMillis(100)
                .setMultiplier(3)
                .setGarpCount(3)
                .setGarpIntervalMillis(100)
                .build());
    assertThat(share.vips())
        .containsExactly(FleetVip.newBuilder().setAddress("198.18.0.10").setPool("edge").build());
  }

  @Test
  void theNodeSelectorTheInterfacesAndLocalTrafficEachNarrowTheCandidates() {
    var east = new LabelSelectorBuilder().withMatchLabels(Map.of("zone", "east")).build();
    assertThat(
            candidates(
                FleetShares.of(
                    pool(east, null, null), List.of("v"), false, Set.of(), NODES, PORTS)))
        .containsExactly("node-a", "node-c");
    assertThat(
            candidates(
                FleetShares.of(
                    pool(east, List.of("eth1"), null),
                    List.of("v"),
                    false,
                    Set.of(),
                    NODES,
                    PORTS)))
        .containsExactly("node-a");
    assertThat(
            candidates(
                FleetShares.of(
                    pool(null, null, null),
                    List.of("v"),
                    true,
                    Set.of("node-b", "node-c"),
                    NODES,
                    PORTS)))
        .as("externalTrafficPolicy Local: nodes with a serving endpoint")
        .containsExactly("node-b", "node-c");
    var none =
        FleetShares.of(pool(east, null, null), List.of("v"), true, Set.of("node-b"), NODES, PORTS);
    assertThat(none.vips().getFirst().getRestricted()).isTrue();
    assertThat(candidates(none)).as("nobody may own it: the condition says NotAnnounced").isEmpty();
  }

  @Test
  void aPoolsTimersTravelAndABgpPoolHasNoShare() {
    var fast = pool(null, null, new L2Announcement(20, 2, 5, 10));
    assertThat(
            FleetShares.of(fast, List.of("v"), false, Set.of(), NODES, PORTS)
                .pool()
                .getIntervalMillis())
        .isEqualTo(20);
    var bgp = pool(null, null, null);
    bgp.setSpec(
        new PoolSpec(
            List.of("198.18.0.0/24"),
            null,
            null,
            null,
            new Announcement(AnnouncementMode.BGP, null, null, null, null)));
    assertThat(FleetShares.of(bgp, List.of("v"), false, Set.of(), NODES, PORTS)).isNull();
  }

  private static List<String> candidates(io.gatun.operator.control.FleetShare share) {
    var vip = share.vips().getFirst();
    assertThat(vip.getRestricted()).isTrue();
    return vip.getCandidateNodesList();
  }

  private static Pool pool(
      io.fabric8.kubernetes.api.model.LabelSelector selector,
      List<String> interfaces,
      L2Announcement l2) {
    var pool = new Pool();
    pool.setMetadata(new ObjectMetaBuilder().withName("edge").build());
    pool.setSpec(
        new PoolSpec(
            List.of("198.18.0.0/24"),
            null,
            null,
            null,
            new Announcement(AnnouncementMode.L2, selector, interfaces, null, l2)));
    return pool;
  }
}
