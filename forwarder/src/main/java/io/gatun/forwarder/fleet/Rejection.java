package io.gatun.forwarder.fleet;

/** Why a received advertisement was ignored; each is counted under its own label. */
public enum Rejection {
  /** Too short, a wrong EtherType or version, lengths that run past the frame. */
  MALFORMED("malformed"),
  /** Another cluster's fleet on the same segment: not ours to follow, not an attack. */
  FOREIGN_CLUSTER("foreign_cluster"),
  /** Our cluster id but a wrong HMAC: a forged advertisement or a peer with a stale key. */
  BAD_HMAC("bad_hmac"),
  /** A sequence number the sender already used: a captured advertisement sent again. */
  REPLAY("replay");

  private final String label;

  Rejection(String label) {
    this.label = label;
  }

  /** The metric label. */
  public String label() {
    return label;
  }
}
