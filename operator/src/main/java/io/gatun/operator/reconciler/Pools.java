package io.gatun.operator.reconciler;

import io.gatun.operator.api.Pool;
import io.gatun.operator.ipam.PoolAddresses;
import java.util.Optional;

/** Reads a Pool resource as IPAM sees it. */
final class Pools {

  private Pools() {}

  /**
   * @throws IllegalArgumentException listing what is wrong with the pool's addresses
   */
  static PoolAddresses addresses(Pool pool) {
    if (pool.getSpec() == null) {
      throw new IllegalArgumentException("spec is missing");
    }
    return PoolAddresses.parse(
        pool.getMetadata().getName(),
        pool.getSpec().addresses(),
        pool.getSpec().autoAssignOrDefault());
  }

  static Optional<PoolAddresses> validAddresses(Pool pool) {
    try {
      return Optional.of(addresses(pool));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
