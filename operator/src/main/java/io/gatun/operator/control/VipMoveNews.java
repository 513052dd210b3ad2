package io.gatun.operator.control;

import java.time.Instant;

/**
 * A VIP changed hands: {@code to} took it, from {@code from} (null when nobody was known to answer
 * for it). One move is told once, though the gaining and the losing forwarder both report it.
 *
 * @param why the gaining forwarder's reason ("peer fwd-2 gone", "peer fwd-3 joined", ...), and the
 *     losing one's after it when that one reported first and said something else
 * @param at when the gaining forwarder took it (its clock)
 */
public record VipMoveNews(
    String address,
    String from,
    String fromNode,
    String to,
    String toNode,
    String why,
    Instant at) {

  /**
   * "198.18.0.10 moved from fwd-a (node-a) to fwd-b (node-b): peer fwd-a gone", or for a first
   * owner "198.18.0.10 is now answered by fwd-a (node-a): served".
   */
  public String message() {
    String by = to + " (" + toNode + "): " + why;
    return from == null
        ? address + " is now answered by " + by
        : address + " moved from " + from + " (" + fromNode + ") to " + by;
  }
}
