package io.gatun.operator.api;

/** How DSR reaches the backends. */
public enum Encapsulation {
  /** MAC rewrite: backends on the forwarder's L2 segment, VIP on their loopback. */
  None,
  /** IP-in-IP to the backend (Katran style): backends anywhere, decapsulating. */
  IPIP
}
