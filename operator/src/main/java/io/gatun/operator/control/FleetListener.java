package io.gatun.operator.control;

import io.gatun.operator.ipam.Owner;
import java.util.List;
import java.util.Set;

/** Hears what changes the forwarders make; called outside the fleet's lock. */
public interface FleetListener {

  /** A forwarder connected or went away: every LoadBalancer's programming may have changed. */
  default void membershipChanged() {}

  /**
   * A forwarder's position moved from {@code after} (exclusive) to {@code upTo} (inclusive):
   * LoadBalancers whose configuration first appeared in that window are affected.
   */
  default void progressed(String forwarder, long after, long upTo) {}

  /**
   * A forwarder began or stopped refusing some services of {@code owners} (or refuses them for
   * another reason now): their programming changed though their snapshot version did not.
   */
  default void refusalsChanged(Set<Owner> owners) {}

  /** Probe verdicts on the backends of {@code owners} changed. */
  default void healthChanged(Set<Owner> owners) {}

  /**
   * Forwarders took backends out of rotation on their data plane's passive verdict, or put such
   * backends back, in this order.
   */
  default void passiveCrossings(List<PassiveCrossing> crossings) {}

  /** VIPs changed hands (each move once, though both forwarders report it), in this order. */
  default void vipsMoved(List<VipMoveNews> moves) {}

  /** Forwarders saw other MACs answer for addresses they own (new, or seen again). */
  default void addressConflicts(List<ConflictNews> conflicts) {}

  /** Who answers for these addresses changed, or a conflict on them was reported. */
  default void announcementsChanged(Set<String> addresses) {}

  /**
   * BGP sessions of the forwarders changed (a state, an error, a forwarder gone): the Pools named
   * are those whose sessions may read differently now; {@code changes} are the sessions that came
   * up or went down (none from a forwarder's first report after it connects: that is a baseline).
   */
  default void bgpSessionsChanged(Set<String> pools, List<BgpSessionChange> changes) {}

  /**
   * A forwarder began or stopped advertising some VIPs over BGP ({@code vips}, addresses without
   * prefix length): the LoadBalancers on them list other forwarders in status.announcedBy now.
   */
  default void advertisedChanged(Set<String> vips) {}

  /** What is known about {@code forwarder} changed (joined, left, acknowledged, observed). */
  default void forwarderChanged(String forwarder) {}
}
