package io.gatun.operator.control;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.operator.backends.LabelSelectors;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What one valid BGP Pool asks of the forwarders it selects, ready for the snapshot: its local AS,
 * its neighbours (passwords already read from their Secrets; a peer whose Secret is missing is left
 * out, and the Pool's condition says so) and the path attributes of its VIPs' routes.
 *
 * @param age the order in which pools claim a forwarder's one BGP instance: the older pool's
 *     localASN wins (creation timestamp, then name)
 * @param nodeSelector which forwarders' nodes advertise the pool's VIPs; null: every one
 */
public record BgpPoolPlan(
    String name,
    String age,
    long localAsn,
    List<BgpNeighbor> neighbors,
    List<String> communities,
    long localPref,
    LabelSelector nodeSelector) {

  /** Oldest first: the first applicable pool decides a forwarder's local AS. */
  public static final Comparator<BgpPoolPlan> OLDEST_FIRST =
      Comparator.comparing(BgpPoolPlan::age).thenComparing(BgpPoolPlan::name);

  public BgpPoolPlan {
    neighbors = List.copyOf(neighbors);
    communities = List.copyOf(communities);
  }

  public BgpPoolPlan withCommunities(List<String> value) {
    return new BgpPoolPlan(name, age, localAsn, neighbors, value, localPref, nodeSelector);
  }

  public BgpPoolPlan withLocalPref(long value) {
    return new BgpPoolPlan(name, age, localAsn, neighbors, communities, value, nodeSelector);
  }

  /** Whether a forwarder on a node with these labels advertises the pool's VIPs. */
  public boolean selects(Map<String, String> nodeLabels) {
    return nodeSelector == null || LabelSelectors.matches(nodeSelector, nodeLabels);
  }

  /** The pool's peer addresses, in its order. */
  public List<String> peerAddresses() {
    return neighbors.stream().map(BgpNeighbor::getAddress).toList();
  }
}
