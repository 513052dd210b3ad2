package io.gatun.forwarder.fleet;

import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The operator's word on the fleet (Snapshot.fleet): each L2 Pool's timers and each VIP's candidate
 * nodes. A VIP it does not name keeps the flags' timers and every live forwarder as a candidate, so
 * the scripted rig (no operator Pools) runs as before.
 */
final class FleetPlan {

  /** One VIP's rules: its Pool's timers, and the nodes that may own it (null: any). */
  record VipRule(Timers timers, Set<String> candidateNodes) {}

  /** An L2 Pool's timers. */
  record Timers(Duration interval, int multiplier, int garpCount, Duration garpInterval) {
    /** How long a peer advertising at {@code priority} may stay silent before it is gone. */
    long downNanos(int priority) {
      long i = interval.toNanos();
      return multiplier * i + i * (256 - priority) / 256;
    }
  }

  static final FleetPlan NONE = new FleetPlan(Map.of());

  private final Map<String, VipRule> rules;

  private FleetPlan(Map<String, VipRule> rules) {
    this.rules = Map.copyOf(rules);
  }

  /** Reads the operator's configuration, leaving out what the forwarder's rules refuse. */
  static FleetPlan of(FleetConfig config) {
    var pools = new HashMap<String, Timers>();
    for (FleetPool p : config.getPoolsList()) {
      try {
        FleetSettings.requireIn(
            "pool " + p.getName() + " intervalMillis", p.getIntervalMillis(), 10, 10_000);
        FleetSettings.requireIn("pool " + p.getName() + " multiplier", p.getMultiplier(), 2, 255);
        FleetSettings.requireIn("pool " + p.getName() + " garpCount", p.getGarpCount(), 1, 100);
        FleetSettings.requireIn(
            "pool " + p.getName() + " garpIntervalMillis", p.getGarpIntervalMillis(), 1, 10_000);
        pools.put(
            p.getName(),
            new Timers(
                Duration.ofMillis(p.getIntervalMillis()),
                p.getMultiplier(),
                p.getGarpCount(),
                Duration.ofMillis(p.getGarpIntervalMillis())));
      } catch (IllegalArgumentException e) {
        // The operator validates the Pool first; a bad one here keeps the flags' timers.
      }
    }
    var rules = new HashMap<String, VipRule>();
    for (FleetVip vip : config.getVipsList()) {
      rules.put(
          vip.getAddress(),
          new VipRule(
              pools.get(vip.getPool()),
              vip.getRestricted() ? Set.copyOf(vip.getCandidateNodesList()) : null));
    }
    return new FleetPlan(rules);
  }

  /** The timers of {@code address}'s Pool; empty: the flags'. */
  Optional<Timers> timers(String address) {
    VipRule rule = rules.get(address);
    return rule == null ? Optional.empty() : Optional.ofNullable(rule.timers());
  }

  /** {@code candidates} narrowed to those on the nodes allowed to own {@code address}. */
  Set<String> narrow(String address, Set<String> candidates, Function<String, String> nodeOf) {
    VipRule rule = rules.get(address);
    if (rule == null || rule.candidateNodes() == null) {
      return candidates;
    }
    var allowed = new TreeSet<String>();
    for (String id : candidates) {
      String node = nodeOf.apply(id);
      if (node != null && rule.candidateNodes().contains(node)) {
        allowed.add(id);
      }
    }
    return allowed;
  }

  /** The smallest interval among the Pools of {@code addresses}; {@code otherwise} when none. */
  Duration advertisementInterval(Collection<String> addresses, Duration otherwise) {
    return addresses.stream()
        .map(this::timers)
        .flatMap(Optional::stream)
        .map(Timers::interval)
        .min(Duration::compareTo)
        .orElse(otherwise);
  }

  /** The longest any Pool lets a peer stay silent (at the lowest priority); 0 without Pools. */
  long longestDownNanos() {
    return rules.values().stream()
        .map(VipRule::timers)
        .filter(t -> t != null)
        .mapToLong(t -> t.downNanos(1))
        .max()
        .orElse(0);
  }

  /** The distinct timers in use. */
  Set<Timers> allTimers() {
    var all = new java.util.HashSet<Timers>();
    rules
        .values()
        .forEach(
            r -> {
              if (r.timers() != null) {
                all.add(r.timers());
              }
            });
    return all;
  }
}
