package io.gatun.operator.control;

/** Hears what changes the forwarders make to programming; called outside the fleet's lock. */
public interface FleetListener {

  /** A forwarder connected or went away: every LoadBalancer's programming may have changed. */
  default void membershipChanged() {}

  /**
   * A forwarder's position moved from {@code after} (exclusive) to {@code upTo} (inclusive):
   * LoadBalancers whose configuration first appeared in that window are affected.
   */
  default void progressed(String forwarder, long after, long upTo) {}
}
