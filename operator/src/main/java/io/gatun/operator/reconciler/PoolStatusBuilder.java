package io.gatun.operator.reconciler;

import io.gatun.operator.api.AddressUsage;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolStatus;
import io.gatun.operator.ipam.IpFamily;
import io.gatun.operator.ipam.PoolUsage;
import io.gatun.operator.status.ConditionsBuilder;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;

/** Builds a Pool's whole status: address counts and the Ready condition. */
final class PoolStatusBuilder {

  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final Clock clock;

  PoolStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  /** A pool whose addresses parse, with its usage per family. */
  StatusUpdate<PoolStatus> valid(Pool pool, List<PoolUsage> usage) {
    BigInteger capacity =
        usage.stream().map(PoolUsage::capacity).reduce(BigInteger.ZERO, BigInteger::add);
    long allocated = usage.stream().mapToLong(PoolUsage::allocated).sum();
    BigInteger available = capacity.subtract(BigInteger.valueOf(allocated));
    var conditions =
        conditions(pool)
            .set(Pool.READY, true, "Ready", allocated + " of " + capacity + " addresses allocated");
    var status =
        new PoolStatus(
            generation(pool),
            saturated(capacity),
            allocated,
            saturated(available),
            family(usage, IpFamily.IPV4),
            family(usage, IpFamily.IPV6),
            conditions.build());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  /** A pool whose addresses do not parse: no counts, Ready=False saying why. */
  StatusUpdate<PoolStatus> invalid(Pool pool, String problems) {
    var conditions = conditions(pool).set(Pool.READY, false, "InvalidAddresses", problems);
    var status = new PoolStatus(generation(pool), null, null, null, null, null, conditions.build());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  private ConditionsBuilder conditions(Pool pool) {
    List<Condition> previous = pool.getStatus() == null ? List.of() : pool.getStatus().conditions();
    return new ConditionsBuilder(previous, generation(pool), clock);
  }

  private static long generation(Pool pool) {
    return pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
  }

  private static AddressUsage family(List<PoolUsage> usage, IpFamily family) {
    return usage.stream()
        .filter(u -> u.family() == family)
        .findFirst()
        .map(
            u -> new AddressUsage(saturated(u.capacity()), u.allocated(), saturated(u.available())))
        .orElse(null);
  }

  /** An IPv6 pool can hold more than a long counts; the API shows 2^63-1 then. */
  private static long saturated(BigInteger value) {
    return value.min(LONG_MAX).longValueExact();
  }
}
