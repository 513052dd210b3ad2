package io.gatun.operator.control;

import io.gatun.control.delta.ObservationAssembly.VipChange;
import io.gatun.control.v1.AddressConflict;
import io.gatun.control.v1.FleetPeer;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.VipMove;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who answers for which VIP, as the forwarders report it (observation fields 5 and 30-39): the VIPs
 * each one owns and since when, the peers it hears, the conflicts it saw, and the moves it made.
 *
 * <p>Every move is reported twice, by the forwarder that took the VIP and by the one that gave it
 * up, in either order and in different observations. It is told once, when the gain arrives: the
 * loser is the one that reported losing it shortly before, or else the forwarder last known to own
 * it. A loss with no gain (nobody eligible is left) is not a move: the Announced condition says the
 * VIP is unanswered.
 *
 * <p>Forwarders resend their latest moves and every conflict in each observation; only what is new
 * since the previous observation of the same connection is news, and the first observation after a
 * (re)connect is a baseline, so an operator's restart does not repeat old moves. The VIPs owned
 * come either listed whole or as what changed since the connection's previous observation ({@link
 * VipChange}, assembled by the fleet); either way the book ends up the same. Not thread-safe: the
 * fleet guards it.
 */
final class AnnouncementBook {

  /** A conflict not seen growing for this long is over (the forwarders report it forever). */
  static final Duration CONFLICT_WINDOW = Duration.ofSeconds(30);

  /** A loss and a gain of one address this close together (forwarder clocks) are one move. */
  static final Duration PAIRING = Duration.ofSeconds(10);

  /** At most this many conflicts are kept per forwarder (the latest). */
  static final int KEPT_CONFLICTS = 20;

  private record ConflictKey(String address, String mac) {}

  private record Loss(String forwarder, String node, String reason, long atMillis) {}

  private record Owned(String forwarder, String node) {}

  private static final class Seen {
    String node;
    boolean baselined;
    Set<VipMove> moves = Set.of();
    Map<String, Instant> owned = new HashMap<>(); // address -> since
    List<FleetPeer> peers = List.of();
    Map<ConflictKey, AddressConflict> conflicts = new LinkedHashMap<>();
    Map<ConflictKey, Instant> conflictHeardAt = new HashMap<>();
  }

  /** What one observation changed. */
  record Outcome(List<VipMoveNews> moves, List<ConflictNews> conflicts, Set<String> addresses) {
    static final Outcome NONE = new Outcome(List.of(), List.of(), Set.of());

    boolean isEmpty() {
      return moves.isEmpty() && conflicts.isEmpty() && addresses.isEmpty();
    }
  }

  private final Map<String, Seen> byForwarder = new HashMap<>();
  private final Map<String, Loss> losses = new HashMap<>();
  private final Map<String, Owned> lastOwner = new HashMap<>();

  /** A forwarder (re)connected: its next observation is a baseline. */
  void joined(String forwarder, String node) {
    var seen = byForwarder.computeIfAbsent(forwarder, f -> new Seen());
    seen.node = node;
    seen.baselined = false;
  }

  /** A forwarder went away; returns the addresses it owned. */
  Set<String> forget(String forwarder) {
    var seen = byForwarder.remove(forwarder);
    return seen == null ? Set.of() : Set.copyOf(seen.owned.keySet());
  }

  /**
   * Takes in one observation of {@code forwarder}; {@code vips} is how the VIPs it owns changed
   * since its connection's previous observation (for a complete observation: against what that
   * connection had listed).
   */
  Outcome record(String forwarder, Observation observation, VipChange vips, Instant now) {
    var seen = byForwarder.get(forwarder);
    if (seen == null) {
      return Outcome.NONE;
    }
    boolean news = seen.baselined;
    seen.baselined = true;
    var moveNews = new ArrayList<VipMoveNews>();
    var gainedAt = new HashMap<String, Instant>();
    for (VipMove move : observation.getVipMovesList()) {
      if (move.getGained()) {
        gainedAt.put(move.getAddress(), Instant.ofEpochMilli(move.getAtUnixMillis()));
      }
      if (news && !seen.moves.contains(move)) {
        moved(forwarder, seen.node, move).ifPresent(moveNews::add);
      }
    }
    seen.moves = Set.copyOf(observation.getVipMovesList());

    var changed = new TreeSet<String>();
    if (observation.hasVipChanges()) { // what changed: the work follows it
      for (String address : vips.ownedGained()) {
        if (seen.owned.putIfAbsent(address, gainedAt.getOrDefault(address, now)) == null) {
          changed.add(address);
        }
      }
      for (String address : vips.ownedLost()) {
        if (seen.owned.remove(address) != null) {
          changed.add(address);
        }
      }
    } else {
      replaceOwned(seen, observation.getVipsOwnedList(), gainedAt, now, changed);
    }
    // A VIP the connection did not own before: this forwarder is its latest owner. Not every VIP
    // listed: one another forwarder took since stays that one's, whether or not this one still
    // lists it (both views give the same book).
    for (String address : vips.ownedGained()) {
      var owner = lastOwner.get(address);
      if (owner == null
          || !owner.forwarder().equals(forwarder)
          || !Objects.equals(owner.node(), seen.node)) {
        lastOwner.put(address, new Owned(forwarder, seen.node));
      }
    }
    seen.peers = List.copyOf(observation.getPeersSeenList());

    var conflictNews = new ArrayList<ConflictNews>();
    for (AddressConflict conflict : observation.getAddressConflictsList()) {
      var key = new ConflictKey(conflict.getAddress(), conflict.getMac());
      var before = seen.conflicts.remove(key);
      seen.conflicts.put(key, conflict); // latest last
      if (before != null && before.getCount() >= conflict.getCount()) {
        continue;
      }
      Instant lastSeen = Instant.ofEpochMilli(conflict.getLastSeenUnixMillis());
      seen.conflictHeardAt.put(key, news || lastSeen.isAfter(now) ? now : lastSeen);
      changed.add(conflict.getAddress());
      if (news) {
        conflictNews.add(news(forwarder, seen.node, conflict));
      }
    }
    while (seen.conflicts.size() > KEPT_CONFLICTS) {
      var eldest = seen.conflicts.keySet().iterator().next();
      seen.conflicts.remove(eldest);
      seen.conflictHeardAt.remove(eldest);
    }
    return new Outcome(moveNews, conflictNews, changed);
  }

  /**
   * A complete observation's VIPs: everything owned, replacing what was (a previous connection's
   * included); the new and the lost ones go into {@code changed}. Hash look-ups only, no sorted
   * map: an agent that does not send changes lists thousands in every report while thousands of
   * LoadBalancers are created (this was O(VIPs log VIPs) with an allocation per VIP, per report:
   * 3.6 % of the operator's samples at 3,000, JFR).
   */
  private static void replaceOwned(
      Seen seen,
      List<String> listed,
      Map<String, Instant> gainedAt,
      Instant now,
      Set<String> changed) {
    var owned = new HashMap<String, Instant>(listed.size() * 4 / 3 + 1);
    int added = 0;
    for (String address : listed) {
      Instant since = seen.owned.get(address);
      if (since == null) {
        changed.add(address);
        added++;
        since = gainedAt.getOrDefault(address, now);
      }
      owned.put(address, since);
    }
    // Only the new addresses are in changed so far: the rest of owned were owned before, and if
    // they are all that were, none was lost.
    if (owned.size() - added != seen.owned.size()) {
      for (String address : seen.owned.keySet()) {
        if (!owned.containsKey(address)) {
          changed.add(address);
        }
      }
    }
    seen.owned = owned;
  }

  private Optional<VipMoveNews> moved(String forwarder, String node, VipMove move) {
    String address = move.getAddress();
    if (!move.getGained()) {
      var owner = lastOwner.get(address);
      // A loss reported after its gain was told: the gainer owns it already, nothing to pair.
      if (owner == null || owner.forwarder().equals(forwarder)) {
        losses.put(address, new Loss(forwarder, node, move.getReason(), move.getAtUnixMillis()));
      }
      return Optional.empty();
    }
    var loss = losses.remove(address);
    if (loss != null
        && (loss.forwarder().equals(forwarder)
            || Math.abs(loss.atMillis() - move.getAtUnixMillis()) > PAIRING.toMillis())) {
      loss = null;
    }
    String from = null;
    String fromNode = null;
    String why = move.getReason().isBlank() ? "no reason given" : move.getReason();
    if (loss != null) {
      from = loss.forwarder();
      fromNode = loss.node();
      if (!loss.reason().isBlank() && !loss.reason().equals(move.getReason())) {
        why += " (" + loss.forwarder() + ": " + loss.reason() + ")";
      }
    } else {
      var owner = lastOwner.get(address);
      if (owner != null && !owner.forwarder().equals(forwarder)) {
        from = owner.forwarder();
        fromNode = owner.node();
      }
    }
    lastOwner.put(address, new Owned(forwarder, node));
    return Optional.of(
        new VipMoveNews(
            address,
            from,
            fromNode,
            forwarder,
            node,
            why,
            Instant.ofEpochMilli(move.getAtUnixMillis())));
  }

  private static ConflictNews news(String forwarder, String node, AddressConflict conflict) {
    return new ConflictNews(
        conflict.getAddress(),
        forwarder,
        node,
        conflict.getMac(),
        conflict.getPeer().isBlank() ? null : conflict.getPeer(),
        conflict.getVia().isBlank() ? "ARP" : conflict.getVia(),
        conflict.getCount());
  }

  /** Who answers for each of {@code vips} now, by address then forwarder. */
  List<VipAnnouncer> announcers(Collection<String> vips) {
    var result = new ArrayList<VipAnnouncer>();
    // A LoadBalancer asks about its one or two VIPs; a forwarder may own thousands.
    var asked = new java.util.TreeSet<>(vips);
    byForwarder.forEach(
        (forwarder, seen) ->
            asked.forEach(
                address -> {
                  Instant since = seen.owned.get(address);
                  if (since != null) {
                    result.add(new VipAnnouncer(address, forwarder, seen.node, since));
                  }
                }));
    result.sort(Comparator.comparing(VipAnnouncer::address).thenComparing(VipAnnouncer::forwarder));
    return result;
  }

  /** The conflicts on {@code vips} heard growing within {@link #CONFLICT_WINDOW} of {@code now}. */
  List<CurrentConflict> conflicts(Collection<String> vips, Instant now) {
    var result = new ArrayList<CurrentConflict>();
    Instant since = now.minus(CONFLICT_WINDOW);
    byForwarder.forEach(
        (forwarder, seen) ->
            seen.conflicts.forEach(
                (key, conflict) -> {
                  Instant heard = seen.conflictHeardAt.get(key);
                  if (vips.contains(key.address()) && heard != null && heard.isAfter(since)) {
                    result.add(
                        new CurrentConflict(
                            news(forwarder, seen.node, conflict), heard.plus(CONFLICT_WINDOW)));
                  }
                }));
    result.sort(
        Comparator.comparing((CurrentConflict c) -> c.news().address())
            .thenComparing(c -> c.news().forwarder())
            .thenComparing(c -> c.news().mac()));
    return result;
  }

  List<FleetPeer> peersOf(String forwarder) {
    var seen = byForwarder.get(forwarder);
    return seen == null ? List.of() : seen.peers;
  }

  List<AddressConflict> conflictsOf(String forwarder) {
    var seen = byForwarder.get(forwarder);
    return seen == null ? List.of() : List.copyOf(seen.conflicts.values());
  }
}
