package io.gatun.operator.ipam;

import java.math.BigInteger;

/** IPv4 or IPv6, with the width of its addresses. */
public enum IpFamily {
  IPV4(32),
  IPV6(128);

  private final int bits;
  private final BigInteger max;

  IpFamily(int bits) {
    this.bits = bits;
    this.max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
  }

  public int bits() {
    return bits;
  }

  /** The highest address of the family, all bits set. */
  BigInteger max() {
    return max;
  }

  /** As Kubernetes spells it (EndpointSlice addressType, Service ipFamilies). */
  public String apiName() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }
}
