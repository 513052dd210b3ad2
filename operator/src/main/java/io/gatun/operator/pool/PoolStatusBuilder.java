package io.gatun.operator.pool;

import io.gatun.operator.api.AddressUsage;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolStatus;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.ipam.IpFamily;
import io.gatun.operator.ipam.Lease;
import io.gatun.operator.ipam.PoolUsage;
import io.gatun.operator.metrics.PoolMetrics;
import io.gatun.operator.status.ConditionsBuilder;
import io.gatun.operator.status.StatusUpdate;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a Pool's whole status: address counts per family and the conditions.
 *
 * <ul>
 *   <li>Valid: Valid | Invalid | Unsupported
 *   <li>Ready: Ready | Invalid | Unsupported | AddressesOutsideRanges | Exhausted
 *   <li>in BGP mode, when valid, {@link BgpConditions}: BgpConfigured, BgpSessionsEstablished
 * </ul>
 */
final class PoolStatusBuilder {

  static final String OUTSIDE_RANGES = "AddressesOutsideRanges";
  static final String EXHAUSTED = "Exhausted";
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final Clock clock;

  PoolStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param usage per family, empty when the addresses do not parse
   * @param leases the LoadBalancers holding addresses taken from this pool
   * @param outside those of {@code leases} holding addresses the pool no longer contains
   */
  StatusUpdate<PoolStatus> build(
      Pool pool,
      PoolCatalog.Entry entry,
      List<PoolUsage> usage,
      List<Lease> leases,
      List<Lease> outside,
      BgpPlanner.Planned bgp,
      List<ForwarderFleet.PoolSession> sessions) {
    var conditions = conditions(pool);
    var validation = entry.validation();
    BigInteger capacity =
        usage.stream().map(PoolUsage::capacity).reduce(BigInteger.ZERO, BigInteger::add);
    BigInteger allocated =
        usage.stream().map(PoolUsage::allocated).reduce(BigInteger.ZERO, BigInteger::add);
    BigInteger available = capacity.subtract(allocated).max(BigInteger.ZERO);

    if (validation.valid()) {
      conditions.set(Pool.VALID, true, "Valid", "the addresses parse and overlap no other pool");
    } else {
      conditions.set(Pool.VALID, false, validation.reason(), validation.message());
    }
    List<String> heldOutside =
        outside.stream()
            .flatMap(
                lease ->
                    lease.addresses().stream()
                        .filter(a -> entry.addresses() == null || !entry.addresses().contains(a))
                        .map(a -> a + " (" + lease.owner() + ")"))
            .sorted()
            .toList();
    if (!validation.valid()) {
      conditions.set(
          Pool.READY,
          false,
          validation.reason(),
          "the pool serves no new allocation until it is valid: " + validation.message());
    } else if (!heldOutside.isEmpty()) {
      conditions.set(
          Pool.READY,
          false,
          OUTSIDE_RANGES,
          String.join(", ", heldOutside)
              + (heldOutside.size() == 1 ? " is" : " are")
              + " held but no longer in spec.addresses; they keep serving: put the range back, or"
              + " move those LoadBalancers to other addresses");
    } else if (available.signum() == 0) {
      conditions.set(
          Pool.READY,
          false,
          EXHAUSTED,
          "all "
              + capacity
              + " addresses are allocated: add ranges to spec.addresses, or delete LoadBalancers"
              + " that hold them");
    } else {
      conditions.set(
          Pool.READY, true, "Ready", allocated + " of " + capacity + " addresses allocated");
    }
    if (bgp != null) {
      BgpConditions.set(conditions, bgp, sessions);
    }
    var status =
        new PoolStatus(
            generation(pool),
            usage.isEmpty() ? null : saturated(capacity),
            usage.isEmpty() ? null : saturated(allocated),
            usage.isEmpty() ? null : saturated(available),
            family(usage, IpFamily.IPV4),
            family(usage, IpFamily.IPV6),
            leases.size(),
            heldOutside,
            conditions.build());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  /** The per-family figures of a status, as metrics. */
  static List<PoolMetrics.Usage> metrics(PoolStatus status) {
    var usage = new ArrayList<PoolMetrics.Usage>();
    if (status.ipv4() != null) {
      usage.add(usage("IPv4", status.ipv4()));
    }
    if (status.ipv6() != null) {
      usage.add(usage("IPv6", status.ipv6()));
    }
    return usage;
  }

  private static PoolMetrics.Usage usage(String family, AddressUsage figures) {
    return new PoolMetrics.Usage(
        family, figures.capacity(), figures.allocated(), figures.available());
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
            u ->
                new AddressUsage(
                    saturated(u.capacity()), saturated(u.allocated()), saturated(u.available())))
        .orElse(null);
  }

  /** An IPv6 pool can hold more than a long counts; the API shows 2^63-1 then. */
  private static long saturated(BigInteger value) {
    return value.min(LONG_MAX).longValueExact();
  }
}
