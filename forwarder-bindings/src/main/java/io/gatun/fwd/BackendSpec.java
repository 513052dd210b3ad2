package io.gatun.fwd;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One backend of a virtual service.
 *
 * @param draining no new connections go to it; the ones it has keep going to it until a commit
 *     without it
 */
public record BackendSpec(InetAddress address, int port, int weight, boolean draining) {
  public BackendSpec {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("backend port " + port + " is outside 1-65535");
    }
    if (weight < 0) {
      throw new IllegalArgumentException("backend weight must not be negative");
    }
  }

  /** A serving backend. */
  public BackendSpec(InetAddress address, int port, int weight) {
    this(address, port, weight, false);
  }

  /** The same backend, draining (or serving again). */
  public BackendSpec withDraining(boolean draining) {
    return new BackendSpec(address, port, weight, draining);
  }
}
