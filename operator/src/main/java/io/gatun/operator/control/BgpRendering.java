package io.gatun.operator.control;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One forwarder's {@link BgpConfig}: the BGP Pools that select its node, their neighbours, and a
 * route for every VIP allocated from them that this forwarder may attract.
 *
 * <p>One FRR instance speaks one local AS: the oldest selecting pool decides it, and a pool with
 * another localASN is left out on that forwarder ({@link #conflicts}; its Pool condition says so).
 * A peer listed by several pools is one neighbour (the oldest pool's settings) whose {@code pools}
 * name them all. A VIP of an {@code externalTrafficPolicy: Local} LoadBalancer is advertised only
 * by forwarders whose node has one of its serving backends; a VIP whose services the forwarder
 * lacks the capabilities for is not advertised (it would attract traffic it cannot forward).
 */
public final class BgpRendering {

  private BgpRendering() {}

  /**
   * @param pools every valid BGP pool, any order
   * @return empty when no BGP pool selects this forwarder's node
   */
  public static Optional<BgpConfig> render(
      Collection<BgpPoolPlan> pools,
      ForwarderView forwarder,
      Map<String, String> nodeLabels,
      Collection<DesiredServices> published) {
    List<BgpPoolPlan> speaking = speaking(pools, nodeLabels);
    if (speaking.isEmpty()) {
      return Optional.empty();
    }
    var config = BgpConfig.newBuilder().setLocalAsn((int) speaking.getFirst().localAsn());
    config.addAllNeighbors(neighbors(speaking));
    Map<String, BgpPoolPlan> byName = new LinkedHashMap<>();
    speaking.forEach(p -> byName.put(p.name(), p));
    // prefix -> the advertisement being built (service keys gathered across sharing LoadBalancers)
    var routes = new TreeMap<String, BgpAdvertisement.Builder>();
    for (DesiredServices desired : published) {
      BgpPoolPlan pool = desired.pool() == null ? null : byName.get(desired.pool());
      if (pool == null || desired.forForwarder(forwarder).isEmpty()) {
        continue;
      }
      for (VirtualService service : desired.services()) {
        if (desired.nodeLocal() && !desired.servesLocally(service, forwarder.node())) {
          continue;
        }
        String prefix = prefixOf(service.getVip());
        routes
            .computeIfAbsent(
                prefix,
                p ->
                    BgpAdvertisement.newBuilder()
                        .setPrefix(p)
                        .addAllCommunities(pool.communities())
                        .setLocalPref((int) pool.localPref())
                        .addAllNeighbors(pool.peerAddresses())
                        .setPool(pool.name()))
            .addServiceKeys(service.getKey());
      }
    }
    routes
        .values()
        .forEach(
            route -> {
              var keys = new TreeSet<>(route.getServiceKeysList());
              config.addAdvertisements(route.clearServiceKeys().addAllServiceKeys(keys));
            });
    return Optional.of(config.build());
  }

  /**
   * The pools this forwarder's FRR speaks for: those selecting its node that share the oldest one's
   * local AS, oldest first.
   */
  static List<BgpPoolPlan> speaking(Collection<BgpPoolPlan> pools, Map<String, String> labels) {
    var selecting =
        pools.stream().filter(p -> p.selects(labels)).sorted(BgpPoolPlan.OLDEST_FIRST).toList();
    if (selecting.isEmpty()) {
      return List.of();
    }
    long asn = selecting.getFirst().localAsn();
    return selecting.stream().filter(p -> p.localAsn() == asn).toList();
  }

  /**
   * The pools selecting a node with these labels that lose its BGP instance to an older pool with
   * another localASN, each with that older pool.
   */
  public static Map<String, BgpPoolPlan> conflicts(
      Collection<BgpPoolPlan> pools, Map<String, String> labels) {
    var selecting =
        pools.stream().filter(p -> p.selects(labels)).sorted(BgpPoolPlan.OLDEST_FIRST).toList();
    var losers = new TreeMap<String, BgpPoolPlan>();
    if (!selecting.isEmpty()) {
      BgpPoolPlan winner = selecting.getFirst();
      selecting.stream()
          .filter(p -> p.localAsn() != winner.localAsn())
          .forEach(p -> losers.put(p.name(), winner));
    }
    return losers;
  }

  /** Every peer once, by address: the oldest pool's settings, with every pool that lists it. */
  private static List<BgpNeighbor> neighbors(List<BgpPoolPlan> speaking) {
    var byAddress = new TreeMap<String, BgpNeighbor.Builder>();
    for (BgpPoolPlan pool : speaking) {
      for (BgpNeighbor neighbor : pool.neighbors()) {
        byAddress
            .computeIfAbsent(neighbor.getAddress(), a -> neighbor.toBuilder().clearPools())
            .addPools(pool.name());
      }
    }
    var all = new ArrayList<BgpNeighbor>();
    byAddress.values().forEach(b -> all.add(b.build()));
    return all;
  }

  /** A host route for the VIP: /32 or /128. */
  static String prefixOf(String vip) {
    IpAddress address = IpAddress.parse(vip);
    return address + (address.family() == IpFamily.IPV4 ? "/32" : "/128");
  }
}
