package io.gatun.operator.loadbalancer;

import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.operator.api.Announcement;
import io.gatun.operator.api.AnnouncementMode;
import io.gatun.operator.api.L2Announcement;
import io.gatun.operator.api.Pool;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.control.FleetShare;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which forwarders may own a LoadBalancer's VIPs (issue 12 item 1), as the nodes they run on, and
 * its Pool's failover timers: the LoadBalancer's share of Snapshot.fleet.
 *
 * <p>A VIP is open to every live forwarder unless something narrows it; each rule that applies
 * keeps only the nodes it allows:
 *
 * <ul>
 *   <li>the Pool's {@code announcement.nodeSelector}: nodes whose labels match;
 *   <li>the Pool's {@code announcement.interfaces}: nodes whose forwarder said (in its Hello) it
 *       has a port of one of those names;
 *   <li>{@code externalTrafficPolicy: Local}: nodes with a serving endpoint (answering for a VIP on
 *       a node with no endpoint would send its traffic nowhere).
 * </ul>
 *
 * <p>Nodes are named, not forwarders: a forwarder the operator has not heard from (it is down, or
 * the operator restarted) is judged by its node like any other, and the forwarders match a peer to
 * its node from its advertisements.
 */
final class FleetShares {

  private FleetShares() {}

  /**
   * @param nodeLabels every node's labels (for nodeSelector)
   * @param forwarderPorts the port names of each node's connected forwarder (for interfaces)
   * @param servingNodes the nodes with a serving endpoint (consulted when {@code nodeLocal})
   * @return null for a BGP Pool (every eligible forwarder advertises; no owner to choose)
   */
  static FleetShare of(
      Pool pool,
      List<String> vips,
      boolean nodeLocal,
      Set<String> servingNodes,
      Map<String, Map<String, String>> nodeLabels,
      Map<String, Set<String>> forwarderPorts) {
    Announcement announcement = pool.getSpec() == null ? null : pool.getSpec().announcement();
    if (pool.getSpec() != null
        && pool.getSpec().announcementModeOrDefault() != AnnouncementMode.L2) {
      return null;
    }
    var selector = announcement == null ? null : announcement.nodeSelector();
    List<String> interfaces =
        announcement == null || announcement.interfaces() == null
            ? List.of()
            : announcement.interfaces();
    boolean restricted = selector != null || !interfaces.isEmpty() || nodeLocal;
    var candidates = new TreeSet<String>();
    if (restricted) {
      candidates.addAll(nodeLabels.keySet());
      candidates.addAll(forwarderPorts.keySet());
      candidates.addAll(servingNodes);
      if (selector != null) {
        candidates.removeIf(
            node -> !LabelSelectors.matches(selector, nodeLabels.getOrDefault(node, Map.of())));
      }
      if (!interfaces.isEmpty()) {
        candidates.removeIf(
            node ->
                forwarderPorts.getOrDefault(node, Set.of()).stream()
                    .noneMatch(interfaces::contains));
      }
      if (nodeLocal) {
        candidates.retainAll(servingNodes);
      }
    }
    String name = pool.getMetadata().getName();
    L2Announcement l2 =
        announcement == null ? L2Announcement.DEFAULTS : announcement.l2OrDefaults();
    var timers =
        FleetPool.newBuilder()
            .setName(name)
            .setIntervalMillis(l2.intervalMillisOrDefault())
            .setMultiplier(l2.multiplierOrDefault())
            .setGarpCount(l2.garpCountOrDefault())
            .setGarpIntervalMillis(l2.garpIntervalMillisOrDefault())
            .build();
    return new FleetShare(
        timers,
        vips.stream()
            .map(
                vip ->
                    FleetVip.newBuilder()
                        .setAddress(vip)
                        .setPool(name)
                        .setRestricted(restricted)
                        .addAllCandidateNodes(candidates)
                        .build())
            .toList());
  }
}
