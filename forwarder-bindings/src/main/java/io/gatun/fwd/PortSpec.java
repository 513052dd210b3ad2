package io.gatun.fwd;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A data-plane port: a DPDK device (devargs such as {@code net_af_packet0,iface=eth1} or a PCI
 * address) with the forwarder's own addresses on it, at most one per family.
 */
public record PortSpec(String devargs, List<PortAddress> addresses) {
  public PortSpec {
    Objects.requireNonNull(devargs, "devargs");
    addresses = List.copyOf(addresses);
    if (devargs.isBlank() || devargs.length() >= 256) {
      throw new IllegalArgumentException("devargs must be 1-255 characters: " + devargs);
    }
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("a port needs an IPv4 or IPv6 address");
    }
    long v4 = addresses.stream().filter(PortAddress::isIpv4).count();
    if (v4 > 1 || addresses.size() - v4 > 1) {
      throw new IllegalArgumentException("at most one IPv4 and one IPv6 address per port");
    }
  }

  public PortSpec(
      String devargs, InetAddress address, int prefixLength, Optional<InetAddress> gateway) {
    this(devargs, List.of(new PortAddress(address, prefixLength, gateway)));
  }

  /** This port with one more address (of the other family). */
  public PortSpec with(PortAddress address) {
    return new PortSpec(
        devargs,
        java.util.stream.Stream.concat(addresses.stream(), java.util.stream.Stream.of(address))
            .toList());
  }

  /** The first address. */
  public InetAddress address() {
    return addresses.getFirst().address();
  }

  public int prefixLength() {
    return addresses.getFirst().prefixLength();
  }

  public Optional<InetAddress> gateway() {
    return addresses.getFirst().gateway();
  }
}
