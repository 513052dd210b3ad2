package io.gatun.operator.control;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.operator.ipam.Owner;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One forwarder view's {@link BgpConfig} as {@link BgpRendering#render} gives it (LoadBalancers
 * taken by owner), kept up to date one LoadBalancer at a time: each LoadBalancer's routes are held
 * by prefix, so a publish re-renders that LoadBalancer's routes alone, and a sender asks for the
 * advertisements of the prefixes that changed (issue 15: at 10,000 LoadBalancers, rendering every
 * one for every forwarder on every change was the cost of a change). The pools that speak and the
 * instance are fixed: a pool or a node's labels changing renders anew.
 *
 * <p>Not thread-safe: {@link DesiredState} calls it under its lock.
 */
final class RenderedBgp {
  private final ForwarderView view;
  private final Map<String, BgpPoolPlan> speaking; // by name; empty: no pool selects the node
  private final BgpInstance instance;
  // Each prefix's routes by the LoadBalancer they come from, and each LoadBalancer's prefixes.
  private final TreeMap<String, TreeMap<Owner, BgpAdvertisement>> routes = new TreeMap<>();
  private final Map<Owner, List<String>> prefixesOf = new HashMap<>();
  // Each prefix's advertisement (its routes merged) and the whole configuration, built when asked
  // for and forgotten when a LoadBalancer changes them.
  private final Map<String, BgpAdvertisement> merged = new HashMap<>();
  private BgpConfig whole;

  /**
   * Renders every LoadBalancer: the cost of a pool or a node's labels changing.
   *
   * @param pools every valid BGP pool, any order
   */
  RenderedBgp(
      Collection<BgpPoolPlan> pools,
      ForwarderView view,
      Map<String, String> nodeLabels,
      Map<Owner, DesiredServices> published) {
    this.view = view;
    List<BgpPoolPlan> pooled = BgpRendering.speaking(pools, nodeLabels);
    this.speaking = pooled.isEmpty() ? Map.of() : BgpRendering.byName(pooled);
    this.instance =
        pooled.isEmpty() ? BgpInstance.getDefaultInstance() : BgpRendering.instance(pooled);
    published.forEach(this::update);
  }

  /**
   * The owner's services are {@code desired} now (null: withdrawn). Routes as they were (an
   * endpoint changed, most often) change nothing, and keep the whole configuration built.
   */
  void update(Owner owner, DesiredServices desired) {
    if (speaking.isEmpty()) {
      return;
    }
    Map<String, BgpAdvertisement> now =
        desired == null ? Map.of() : BgpRendering.routesOf(speaking, desired, view);
    if (now.equals(routesOf(owner))) {
      return;
    }
    List<String> before = prefixesOf.remove(owner);
    if (before != null) {
      for (String prefix : before) {
        var byOwner = routes.get(prefix);
        byOwner.remove(owner);
        if (byOwner.isEmpty()) {
          routes.remove(prefix);
        }
        merged.remove(prefix);
      }
      whole = null;
    }
    if (now.isEmpty()) {
      return;
    }
    now.forEach(
        (prefix, route) -> {
          routes.computeIfAbsent(prefix, p -> new TreeMap<>()).put(owner, route);
          merged.remove(prefix);
        });
    prefixesOf.put(owner, List.copyOf(now.keySet()));
    whole = null;
  }

  /** The owner's routes as held now, by prefix. */
  private Map<String, BgpAdvertisement> routesOf(Owner owner) {
    List<String> prefixes = prefixesOf.get(owner);
    if (prefixes == null) {
      return Map.of();
    }
    Map<String, BgpAdvertisement> held = new HashMap<>();
    prefixes.forEach(prefix -> held.put(prefix, routes.get(prefix).get(owner)));
    return held;
  }

  /** The whole configuration; empty when no pool selects the node. */
  Optional<BgpConfig> config() {
    if (speaking.isEmpty()) {
      return Optional.empty();
    }
    if (whole == null) {
      var config =
          BgpConfig.newBuilder()
              .setLocalAsn(instance.getLocalAsn())
              .addAllNeighbors(instance.getNeighborsList());
      routes.keySet().forEach(prefix -> config.addAdvertisements(advertisement(prefix)));
      whole = config.build();
    }
    return Optional.of(whole);
  }

  /** The local AS and neighbours (the default instance when no pool selects the node). */
  BgpInstance instance() {
    return instance;
  }

  /** The advertisement of {@code prefix}; null when there is none. */
  BgpAdvertisement advertisement(String prefix) {
    BgpAdvertisement known = merged.get(prefix);
    if (known != null) {
      return known;
    }
    var byOwner = routes.get(prefix);
    if (byOwner == null) {
      return null;
    }
    BgpAdvertisement route = byOwner.values().stream().reduce(BgpRendering::merge).orElseThrow();
    merged.put(prefix, route);
    return route;
  }
}
