package io.gatun.operator.ipam;

import java.math.BigInteger;

/** Capacity and allocation of one family in one pool; exact, even for IPv6. */
public record PoolUsage(IpFamily family, BigInteger capacity, BigInteger allocated) {

  public BigInteger available() {
    return capacity.subtract(allocated).max(BigInteger.ZERO);
  }
}
