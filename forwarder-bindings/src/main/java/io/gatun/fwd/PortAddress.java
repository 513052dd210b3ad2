package io.gatun.fwd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/** One address of a port (IPv4 or IPv6) with its on-link prefix and an optional gateway. */
public record PortAddress(InetAddress address, int prefixLength, Optional<InetAddress> gateway) {
  public PortAddress {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(gateway, "gateway");
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-" + max);
    }
    if (gateway.isPresent() && gateway.get().getClass() != address.getClass()) {
      throw new IllegalArgumentException("the gateway must be of the address's family");
    }
  }

  public boolean isIpv4() {
    return address instanceof Inet4Address;
  }
}
