package io.gatun.operator.pool;

import io.gatun.control.v1.Bfd;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.operator.api.BgpAnnouncement;
import io.gatun.operator.api.BgpPeer;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.SecretKeyRef;
import io.gatun.operator.control.BgpPoolPlan;
import io.gatun.operator.control.BgpRendering;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Turns a valid BGP Pool into what the forwarders it selects must speak ({@link BgpPoolPlan}), and
 * finds what only the cluster can tell about it: a password Secret that is missing or lacks its key
 * (that peer is left out, the others are configured), and an older BGP Pool with another localASN
 * on the same forwarders (one FRR instance speaks one AS: there, the older pool's VIPs are
 * advertised and this one's are not).
 */
final class BgpPlanner {

  /** A plan and what keeps part of it from the forwarders, as sentences naming the field. */
  record Planned(BgpPoolPlan plan, List<String> missingSecrets, List<String> conflicts) {}

  /** The value of a Secret's key: the Secret missing, the key missing, or the value. */
  sealed interface SecretValue {
    record Found(String value) implements SecretValue {}

    record NoSecret() implements SecretValue {}

    record NoKey(List<String> keys) implements SecretValue {}
  }

  private BgpPlanner() {}

  /**
   * @param secrets the value of (Secret name, key) in the operator's namespace
   * @param others the plans of the other valid BGP pools (passwords not needed)
   * @param nodes the labels of every node a forwarder may run on, by node name
   * @param namespace the operator's namespace, for messages
   */
  static Planned plan(
      Pool pool,
      BiFunction<String, String, SecretValue> secrets,
      Collection<BgpPoolPlan> others,
      Map<String, Map<String, String>> nodes,
      String namespace) {
    var spec = pool.getSpec();
    BgpAnnouncement bgp = spec.announcement().bgp();
    var neighbors = new ArrayList<BgpNeighbor>();
    var missing = new ArrayList<String>();
    for (int i = 0; i < bgp.peers().size(); i++) {
      BgpPeer peer = bgp.peers().get(i);
      var neighbor =
          BgpNeighbor.newBuilder()
              .setAddress(peer.address())
              .setAsn((int) (long) peer.asn())
              .setPort(peer.portOrDefault())
              .setHoldTimeSeconds(orZero(peer.holdTimeSeconds()))
              .setKeepaliveSeconds(orZero(peer.keepaliveTimeSeconds()))
              .setEbgpMultihop(orZero(peer.ebgpMultihop()))
              .addPools(pool.getMetadata().getName());
      if (bgp.bfd() != null && !peer.bfdDisabled()) {
        neighbor.setBfd(
            Bfd.newBuilder()
                .setReceiveIntervalMillis(orDefault(bgp.bfd().receiveIntervalMillis(), 300))
                .setTransmitIntervalMillis(orDefault(bgp.bfd().transmitIntervalMillis(), 300))
                .setDetectMultiplier(orDefault(bgp.bfd().detectMultiplier(), 3)));
      }
      SecretKeyRef ref = peer.passwordSecretRef();
      if (ref != null) {
        Optional<String> problem = Optional.empty();
        switch (secrets.apply(ref.name(), ref.key())) {
          case SecretValue.Found found -> neighbor.setPassword(found.value());
          case SecretValue.NoSecret none ->
              problem =
                  Optional.of("Secret " + ref.name() + " does not exist in namespace " + namespace);
          case SecretValue.NoKey noKey ->
              problem =
                  Optional.of(
                      "Secret "
                          + ref.name()
                          + " in namespace "
                          + namespace
                          + " has no key "
                          + ref.key()
                          + (noKey.keys().isEmpty()
                              ? " (it has none)"
                              : " (it has " + String.join(", ", noKey.keys()) + ")"));
        }
        if (problem.isPresent()) {
          missing.add(
              "spec.announcement.bgp.peers["
                  + i
                  + "].passwordSecretRef: "
                  + problem.get()
                  + ": peer "
                  + peer.address()
                  + " is not configured until it does (create it with kubectl -n "
                  + namespace
                  + " create secret generic "
                  + ref.name()
                  + " --from-literal="
                  + ref.key()
                  + "=PASSWORD)");
          continue;
        }
      }
      neighbors.add(neighbor.build());
    }
    var plan =
        new BgpPoolPlan(
            pool.getMetadata().getName(),
            age(pool),
            bgp.localASN(),
            neighbors,
            bgp.communities() == null ? List.of() : bgp.communities(),
            bgp.localPref() == null ? 0 : bgp.localPref(),
            spec.announcement().nodeSelector());
    return new Planned(plan, missing, conflicts(plan, others, nodes));
  }

  /**
   * Where an older pool with another localASN takes this pool's forwarders: "the older Pool a
   * (localASN 64512) on nodes n1, n2". With no node known yet, two pools that select every node
   * conflict anyway.
   */
  private static List<String> conflicts(
      BgpPoolPlan plan, Collection<BgpPoolPlan> others, Map<String, Map<String, String>> nodes) {
    var all = new ArrayList<BgpPoolPlan>(others);
    all.removeIf(p -> p.name().equals(plan.name()));
    all.add(plan);
    Map<String, Map<String, String>> where = nodes.isEmpty() ? Map.of("", Map.of()) : nodes;
    var byWinner = new TreeMap<String, TreeSet<String>>();
    var winners = new TreeMap<String, BgpPoolPlan>();
    where.forEach(
        (node, labels) -> {
          BgpPoolPlan winner = BgpRendering.conflicts(all, labels).get(plan.name());
          if (winner != null) {
            winners.put(winner.name(), winner);
            byWinner.computeIfAbsent(winner.name(), w -> new TreeSet<>()).add(node);
          }
        });
    var messages = new ArrayList<String>();
    byWinner.forEach(
        (name, onNodes) -> {
          BgpPoolPlan winner = winners.get(name);
          onNodes.remove("");
          messages.add(
              "spec.announcement.bgp.localASN: "
                  + plan.localAsn()
                  + " differs from the older Pool "
                  + name
                  + "'s "
                  + winner.localAsn()
                  + (onNodes.isEmpty() ? "" : " on nodes " + String.join(", ", onNodes))
                  + ", whose forwarders' one BGP instance speaks AS "
                  + winner.localAsn()
                  + ": this pool's VIPs are not advertised there; set localASN to "
                  + winner.localAsn()
                  + ", or give the pools announcement.nodeSelectors that select different"
                  + " nodes");
        });
    return messages;
  }

  /** The plan of another pool, as far as conflicts need it (no Secrets read). */
  static BgpPoolPlan outline(Pool pool) {
    var announcement = pool.getSpec().announcement();
    return new BgpPoolPlan(
        pool.getMetadata().getName(),
        age(pool),
        announcement.bgp().localASN(),
        List.of(),
        List.of(),
        0,
        announcement.nodeSelector());
  }

  /** Oldest first, as {@link PoolCatalog#AGE} orders pools. */
  private static String age(Pool pool) {
    var created = pool.getMetadata().getCreationTimestamp();
    return created == null ? "" : created;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
