package io.gatun.operator.control;

/**
 * A forwarder saw another MAC answer for an address it owns (more times than it had reported).
 *
 * @param forwarder who saw it (and owns the address)
 * @param peer the forwarder that MAC belongs to, or null for a foreign device
 * @param via ARP or NDP
 */
public record ConflictNews(
    String address,
    String forwarder,
    String node,
    String mac,
    String peer,
    String via,
    long count) {

  /**
   * "198.18.0.10: MAC 02:00:00:00:00:99 answers for it too (no forwarder of this fleet), seen by
   * fwd-a (node-a) via ARP 3 times: find the device using the address ...".
   */
  public String message() {
    return address
        + ": MAC "
        + mac
        + " answers for it too"
        + (peer == null ? " (no forwarder of this fleet)" : " (forwarder " + peer + ")")
        + ", seen by "
        + forwarder
        + " ("
        + node
        + ") via "
        + via
        + " "
        + count
        + (count == 1 ? " time" : " times")
        + ": "
        + (peer == null
            ? "find the device using this address and remove the address from it, or take the"
                + " address out of the Pool"
            : "the forwarders settle it by rendezvous (the loser stops answering); if it lasts,"
                + " check that both hear each other's advertisements on the segment");
  }
}
