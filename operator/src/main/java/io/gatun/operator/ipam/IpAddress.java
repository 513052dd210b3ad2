package io.gatun.operator.ipam;

import io.gatun.control.Address;
import io.gatun.control.v1.Family;
import java.math.BigInteger;

/**
 * An IPv4 or IPv6 address as an unsigned integer, so ranges, counting and "next" work the same in
 * both families. {@link #toString()} gives the canonical text (RFC 5952 for IPv6).
 */
public record IpAddress(IpFamily family, BigInteger value) implements Comparable<IpAddress> {

  public IpAddress {
    if (value.signum() < 0 || value.compareTo(family.max()) > 0) {
      throw new IllegalArgumentException(value + " is outside the " + family.apiName() + " space");
    }
  }

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal with the control channel's parser; never consults
   * DNS.
   *
   * @throws IllegalArgumentException naming the text when it is not an address
   */
  public static IpAddress parse(String text) {
    return of(Address.parse(text));
  }

  public static IpAddress of(Address address) {
    return new IpAddress(
        address.family() == Family.IPV4 ? IpFamily.IPV4 : IpFamily.IPV6,
        new BigInteger(1, address.bytes()));
  }

  /** As the control channel carries it. */
  public Address address() {
    byte[] bytes = new byte[family.bits() / 8];
    byte[] magnitude = value.toByteArray(); // big-endian, maybe with a leading sign byte
    int n = Math.min(magnitude.length, bytes.length);
    System.arraycopy(magnitude, magnitude.length - n, bytes, bytes.length - n, n);
    return Address.of(bytes);
  }

  /** The address {@code offset} places further on. */
  public IpAddress plus(BigInteger offset) {
    return new IpAddress(family, value.add(offset));
  }

  public IpAddress next() {
    return plus(BigInteger.ONE);
  }

  /**
   * An IPv4 address ending in .0 or .255: some CPE firmware drops traffic to them as broadcast
   * (what MetalLB's avoidBuggyIPs skips).
   */
  public boolean isBuggy() {
    if (family != IpFamily.IPV4) {
      return false;
    }
    int low = value.intValue() & 0xff;
    return low == 0 || low == 255;
  }

  public boolean isLast() {
    return value.equals(family.max());
  }

  @Override
  public int compareTo(IpAddress other) {
    int byFamily = family.compareTo(other.family);
    return byFamily != 0 ? byFamily : value.compareTo(other.value);
  }

  /** The canonical text (RFC 5952 for IPv6), as the control channel carries it. */
  @Override
  public String toString() {
    return address().toString();
  }
}
