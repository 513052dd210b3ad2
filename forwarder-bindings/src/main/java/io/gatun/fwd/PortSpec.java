package io.gatun.fwd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A data-plane port: a DPDK device (devargs such as {@code net_af_packet0,iface=eth1} or a PCI
 * address) with the forwarder's own address on it.
 */
public record PortSpec(
    String devargs, InetAddress address, int prefixLength, Optional<InetAddress> gateway) {
  public PortSpec {
    Objects.requireNonNull(devargs, "devargs");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(gateway, "gateway");
    if (devargs.isBlank() || devargs.length() >= 256) {
      throw new IllegalArgumentException("devargs must be 1-255 characters: " + devargs);
    }
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-" + max);
    }
  }

  /** Parses {@code 198.18.0.2/24}. */
  public static PortSpec of(String devargs, String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("expected address/prefix, got " + cidr);
    }
    return new PortSpec(
        devargs,
        Addresses.parse(cidr.substring(0, slash)),
        Integer.parseInt(cidr.substring(slash + 1)),
        Optional.empty());
  }
}
