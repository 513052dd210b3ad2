package io.gatun.operator.ipam;

import java.util.Set;

/** Hears about lease changes; called after IPAM's lock is released. */
public interface IpamListener {

  /** {@code owner}'s lease went from {@code before} to {@code after} (null: none). */
  default void leaseChanged(Owner owner, Lease before, Lease after) {}

  /**
   * Addresses came free. {@code waiting} are the owners whose last request could not be met (pool
   * exhausted, address taken): worth asking again. Tracked under IPAM's lock, so an owner that
   * failed just before the release is never missed.
   */
  default void addressesFreed(Set<Owner> waiting) {}
}
