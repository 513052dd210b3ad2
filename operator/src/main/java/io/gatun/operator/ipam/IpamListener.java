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

  /**
   * The owners sharing an address with {@code owners} changed (one joined or left them): each of
   * {@code owners} has a new set of co-holders to report. Computed under IPAM's lock, like {@link
   * #addressesFreed}, so no change is missed whatever order reconciles run in.
   */
  default void sharingChanged(Set<Owner> owners) {}
}
