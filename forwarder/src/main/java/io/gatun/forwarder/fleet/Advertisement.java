package io.gatun.forwarder.fleet;

import java.time.Duration;

/**
 * One forwarder's "I am alive" on the data segment, after VRRPv3 (RFC 9568 §5.2): who sends it, how
 * eager it is (priority; 0 = leaving, so peers take over at once instead of waiting for it to fall
 * silent), a sequence number peers use to refuse replays, and the interval it promises to send at
 * (peers derive from it when to give up on it).
 *
 * @param clusterId the fleet it belongs to
 * @param forwarderId the forwarder's name (unique in the cluster)
 * @param node the Kubernetes node it runs on
 * @param priority 1-255 while serving, {@link #LEAVING} when it stops
 * @param sequence grows with every advertisement, across restarts too (it starts from the clock)
 * @param interval how often it advertises
 * @param listening it has just started (or recovered) and learns who is there before it claims
 *     anything: peers count it as a candidate, but an owner keeps what it would take until it stops
 *     listening, so no address goes unanswered in between
 */
public record Advertisement(
    String clusterId,
    String forwarderId,
    String node,
    int priority,
    long sequence,
    Duration interval,
    boolean listening) {
  public static final int LEAVING = 0;
  public static final int DEFAULT_PRIORITY = 100;

  public Advertisement {
    if (priority < 0 || priority > 255) {
      throw new IllegalArgumentException("priority " + priority + " is not in 0-255");
    }
    if (interval.toMillis() < 1 || interval.toMillis() > 0xFFFF) {
      throw new IllegalArgumentException("interval " + interval + " is not in 1-65535 ms");
    }
  }

  /** A forwarder that claims what rendezvous gives it. */
  public Advertisement(
      String clusterId,
      String forwarderId,
      String node,
      int priority,
      long sequence,
      Duration interval) {
    this(clusterId, forwarderId, node, priority, sequence, interval, false);
  }

  public boolean leaving() {
    return priority == LEAVING;
  }
}
