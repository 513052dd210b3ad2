package io.gatun.fwd;

import java.net.InetAddress;
import java.util.Objects;

/** One backend of a virtual service. */
public record BackendSpec(InetAddress address, int port, int weight) {
  public BackendSpec {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("backend port " + port + " is outside 1-65535");
    }
    if (weight < 0) {
      throw new IllegalArgumentException("backend weight must not be negative");
    }
  }
}
