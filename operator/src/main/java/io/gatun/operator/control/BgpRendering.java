package io.gatun.operator.control;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
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
   * @param published every LoadBalancer's services; a VIP shared by LoadBalancers of different
   *     pools takes its route's attributes from the first (DesiredState gives them by owner)
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
    BgpInstance instance = instance(speaking);
    var config =
        BgpConfig.newBuilder()
            .setLocalAsn(instance.getLocalAsn())
            .addAllNeighbors(instance.getNeighborsList());
    Map<String, BgpPoolPlan> byName = byName(speaking);
    var routes = new TreeMap<String, BgpAdvertisement>(); // by prefix
    for (DesiredServices desired : published) {
      routesOf(byName, desired, forwarder)
          .forEach((p, r) -> routes.merge(p, r, BgpRendering::merge));
    }
    return Optional.of(config.addAllAdvertisements(routes.values()).build());
  }

  /** The local AS (the oldest speaking pool's) and every peer once: FRR's one instance. */
  static BgpInstance instance(List<BgpPoolPlan> speaking) {
    return BgpInstance.newBuilder()
        .setLocalAsn((int) speaking.getFirst().localAsn())
        .addAllNeighbors(neighbors(speaking))
        .build();
  }

  /** The speaking pools by name. */
  static Map<String, BgpPoolPlan> byName(List<BgpPoolPlan> speaking) {
    Map<String, BgpPoolPlan> byName = new LinkedHashMap<>();
    speaking.forEach(p -> byName.put(p.name(), p));
    return byName;
  }

  /**
   * One LoadBalancer's routes on {@code forwarder}, by prefix, each with its own service keys
   * (sorted): none when its pool is not one the forwarder speaks for or the forwarder lacks the
   * capabilities its services need; with {@code externalTrafficPolicy: Local}, only the VIPs of
   * services with a serving backend on the forwarder's node.
   */
  static TreeMap<String, BgpAdvertisement> routesOf(
      Map<String, BgpPoolPlan> speaking, DesiredServices desired, ForwarderView forwarder) {
    var routes = new TreeMap<String, BgpAdvertisement>();
    BgpPoolPlan pool = desired.pool() == null ? null : speaking.get(desired.pool());
    if (pool == null || desired.forForwarder(forwarder).isEmpty()) {
      return routes;
    }
    for (VirtualService service : desired.services()) {
      if (desired.nodeLocal() && !desired.servesLocally(service, forwarder.node())) {
        continue;
      }
      BgpAdvertisement route =
          BgpAdvertisement.newBuilder()
              .setPrefix(prefixOf(service.getVip()))
              .addAllCommunities(pool.communities())
              .setLocalPref((int) pool.localPref())
              .addAllNeighbors(pool.peerAddresses())
              .setPool(pool.name())
              .addServiceKeys(service.getKey())
              .build();
      routes.merge(route.getPrefix(), route, BgpRendering::merge);
    }
    return routes;
  }

  /**
   * The routes of one prefix from two services: the first's attributes, the service keys of both
   * (sorted, once each).
   */
  static BgpAdvertisement merge(BgpAdvertisement first, BgpAdvertisement second) {
    var keys = new TreeSet<>(first.getServiceKeysList());
    keys.addAll(second.getServiceKeysList());
    return first.toBuilder().clearServiceKeys().addAllServiceKeys(keys).build();
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
