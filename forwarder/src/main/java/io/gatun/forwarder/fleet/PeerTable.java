package io.gatun.forwarder.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The peers this forwarder hears, each alive until {@code multiplier} of its own advertisement
 * intervals plus a skew pass without a word from it: VRRPv3's Master_Down_Interval (RFC 9568 §6.1),
 * with the interval the peer advertises rather than one configured here, so peers with different
 * settings still judge each other right. The skew, (256 − priority) / 256 of an interval as in
 * VRRP, keeps a late advertisement from being a death. A peer advertising priority 0 is gone at
 * once. Times come from the caller, so tests drive the clock.
 */
public final class PeerTable {
  /** What an advertisement changed. */
  public enum Change {
    /** A new peer, listening or not. */
    JOINED,
    /** A peer that was listening now claims what rendezvous gives it. */
    CLAIMING,
    /**
     * A claiming peer listens again: it restarted within its down interval (its data plane answers
     * nothing yet), or its port or workers recovered. What it owned needs another owner now.
     */
    LISTENING,
    REFRESHED,
    LEFT
  }

  static final int MAX_REMEMBERED_MACS = 1024;

  private final int multiplier;
  private final Map<String, Peer> peers = new TreeMap<>();

  /** Peers are kept at least this long after they were last heard (the slowest Pool's timers). */
  private long retentionNanos;

  /** Every MAC a peer advertised from, alive or not: tells a healing partition from a stranger. */
  private final Map<String, String> macs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_REMEMBERED_MACS;
        }
      };

  public PeerTable(int multiplier) {
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier " + multiplier + " is below 1");
    }
    this.multiplier = multiplier;
  }

  /** Takes an accepted advertisement heard at {@code nowNanos}. */
  public Change heard(Advertisement ad, String mac, long nowNanos) {
    macs.put(mac, ad.forwarderId());
    if (ad.leaving()) {
      return peers.remove(ad.forwarderId()) != null ? Change.LEFT : Change.REFRESHED;
    }
    long interval = ad.interval().toNanos();
    long skew = interval * (256 - ad.priority()) / 256;
    Peer peer =
        new Peer(
            ad.forwarderId(),
            ad.node(),
            mac,
            ad.priority(),
            ad.interval(),
            ad.listening(),
            nowNanos + Math.max(multiplier * interval + skew, retentionNanos),
            nowNanos);
    Peer before = peers.put(ad.forwarderId(), peer);
    if (before == null) {
      return Change.JOINED;
    }
    if (before.listening() != peer.listening()) {
      return peer.listening() ? Change.LISTENING : Change.CLAIMING;
    }
    return Change.REFRESHED;
  }

  /**
   * Keeps every peer at least {@code nanos} after it was last heard, so a Pool with slower timers
   * than the flags' still has it to judge by its own ({@link #aliveWithin}).
   */
  public void retainAtLeast(long nanos) {
    retentionNanos = Math.max(0, nanos);
  }

  /**
   * The live peers heard within {@code downNanos} of {@code nowNanos} (a Pool's own rule: its
   * interval × multiplier plus skew, given the peer's priority).
   */
  public Set<String> aliveWithin(long nowNanos, java.util.function.IntToLongFunction downNanos) {
    Set<String> ids = new TreeSet<>();
    for (Peer p : peers.values()) {
      if (nowNanos - p.heardAtNanos() < downNanos.applyAsLong(p.priority())) {
        ids.add(p.id());
      }
    }
    return ids;
  }

  /** The node of a live peer; null for one not heard. */
  public String nodeOf(String id) {
    Peer p = peers.get(id);
    return p == null ? null : p.node();
  }

  /** Removes and returns the peers not heard from in time. */
  public List<Peer> expire(long nowNanos) {
    List<Peer> dead = new ArrayList<>();
    peers
        .values()
        .removeIf(
            p -> {
              if (nowNanos - p.deadAtNanos() >= 0) {
                dead.add(p);
                return true;
              }
              return false;
            });
    return dead;
  }

  /** The live peers' ids, sorted. */
  public Set<String> alive() {
    return new TreeSet<>(peers.keySet());
  }

  /** The live peers still listening (not claiming yet). */
  public Set<String> listening() {
    Set<String> ids = new TreeSet<>();
    peers.values().stream().filter(Peer::listening).forEach(p -> ids.add(p.id()));
    return ids;
  }

  public List<Peer> peers() {
    return List.copyOf(peers.values());
  }

  /** The forwarder that advertised from {@code mac}, alive or not, if one did. */
  public Optional<String> whoseMac(String mac) {
    return Optional.ofNullable(macs.get(mac));
  }

  /** Forgets every peer (this forwarder stopped listening, e.g. its port went down). */
  public void clear() {
    peers.clear();
  }
}
