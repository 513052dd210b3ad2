package io.gatun.operator.control;

import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.Observation;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the forwarders' probers last said about each backend, by forwarder and by LoadBalancer.
 *
 * <p>Observations carry threshold crossings as they happen; after a (re)connect one carries every
 * probed backend ({@code complete_health}), which replaces what that forwarder said before, so
 * backends it no longer probes are forgotten. A forwarder that leaves takes its verdicts with it.
 *
 * <p>It also tells the passive ejections and returns it sees ({@link PassiveCrossing}), for events.
 * A complete report is compared only with verdicts held from the same forwarder before it: the
 * first one after a (re)connect is a baseline (the status shows who is out of rotation), not news,
 * so an operator's restart does not repeat every ejection still in force. Not thread-safe: the
 * fleet guards it.
 */
final class BackendHealthBook {

  private record Key(String serviceKey, String address, int port) {}

  private final Map<String, Map<Key, ProbeResult>> byForwarder = new HashMap<>();

  /**
   * Records an observation; returns the LoadBalancers whose backends' health changed, and adds the
   * passive ejections and returns it carries to {@code crossings}.
   */
  Set<Owner> record(String forwarder, Observation observation, List<PassiveCrossing> crossings) {
    var changed = new HashSet<Owner>();
    var known = byForwarder.computeIfAbsent(forwarder, f -> new HashMap<>());
    if (observation.getCompleteHealth()) {
      var fresh = new HashMap<Key, ProbeResult>();
      for (BackendHealth health : observation.getBackendHealthList()) {
        fresh.put(key(health), result(forwarder, health));
      }
      for (var entry : known.entrySet()) {
        if (!entry.getValue().equals(fresh.get(entry.getKey()))) {
          ownerOf(entry.getKey().serviceKey()).ifPresent(changed::add);
        }
      }
      for (var entry : fresh.entrySet()) {
        var before = known.get(entry.getKey());
        if (!entry.getValue().equals(before)) {
          ownerOf(entry.getKey().serviceKey()).ifPresent(changed::add);
          if (before != null) {
            PassiveCrossing.between(before, entry.getValue()).ifPresent(crossings::add);
          }
        }
      }
      byForwarder.put(forwarder, fresh);
      return changed;
    }
    for (BackendHealth health : observation.getBackendHealthList()) {
      var result = result(forwarder, health);
      var before = known.put(key(health), result);
      if (!result.equals(before)) {
        ownerOf(health.getServiceKey()).ifPresent(changed::add);
        PassiveCrossing.between(before, result).ifPresent(crossings::add);
      }
    }
    return changed;
  }

  /** Forgets a forwarder's verdicts; returns the LoadBalancers they were about. */
  Set<Owner> forget(String forwarder) {
    var gone = byForwarder.remove(forwarder);
    var owners = new HashSet<Owner>();
    if (gone != null) {
      gone.keySet().forEach(key -> ownerOf(key.serviceKey()).ifPresent(owners::add));
    }
    return owners;
  }

  /** Every verdict on the backends of {@code owner}'s services, from every forwarder. */
  List<ProbeResult> of(Owner owner) {
    String prefix = owner.namespace() + "/" + owner.name() + "/";
    var results = new ArrayList<ProbeResult>();
    for (var verdicts : byForwarder.values()) {
      for (var entry : verdicts.entrySet()) {
        if (entry.getKey().serviceKey().startsWith(prefix)) {
          results.add(entry.getValue());
        }
      }
    }
    return results;
  }

  /** Service keys are {@code <namespace>/<name>/<port>[/<family>]}. */
  static Optional<Owner> ownerOf(String serviceKey) {
    String[] parts = serviceKey.split("/");
    return parts.length >= 3 ? Optional.of(new Owner(parts[0], parts[1])) : Optional.empty();
  }

  private static Key key(BackendHealth health) {
    return new Key(health.getServiceKey(), health.getAddress(), health.getPort());
  }

  private static ProbeResult result(String forwarder, BackendHealth health) {
    return new ProbeResult(
        forwarder,
        health.getServiceKey(),
        health.getAddress(),
        health.getPort(),
        health.getHealthy(),
        health.getReason(),
        health.getProbe(),
        health.getChangedAtUnixMillis(),
        health.getLastLatencyMicros(),
        health.getPassiveFailure());
  }
}
