package io.gatun.operator.reconciler;

import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Pool;
import io.gatun.operator.ipam.AddressRequest;
import io.gatun.operator.ipam.Allocation;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.ipam.PoolAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a LoadBalancer's spec and the Pools into an IPAM request, and IPAM's answer into an {@link
 * AddressOutcome}.
 *
 * <p>Which pools may serve: the one in {@code poolRef}; otherwise, for explicit addresses, any
 * pool; otherwise the pools with autoAssign, by name. A LoadBalancer whose request cannot even be
 * put (its pool is missing or broken) lets go of what it holds, like one whose request fails.
 */
final class AddressAllocator {

  private final Ipam ipam;

  AddressAllocator(Ipam ipam) {
    this.ipam = ipam;
  }

  AddressOutcome allocate(Owner owner, LoadBalancerSpec spec, List<Pool> pools) {
    var candidates = new ArrayList<PoolAddresses>();
    if (spec.poolRef() != null) {
      Optional<Pool> pool =
          pools.stream().filter(p -> p.getMetadata().getName().equals(spec.poolRef())).findFirst();
      if (pool.isEmpty()) {
        return refuse(
            owner, AddressOutcome.POOL_NOT_FOUND, "Pool " + spec.poolRef() + " does not exist");
      }
      try {
        candidates.add(Pools.addresses(pool.get()));
      } catch (IllegalArgumentException e) {
        return refuse(
            owner,
            AddressOutcome.POOL_INVALID,
            "Pool " + spec.poolRef() + " is invalid: " + e.getMessage());
      }
    } else {
      for (Pool pool : pools) {
        // A broken pool reports itself on its own status; it cannot serve anyone here.
        Pools.validAddresses(pool)
            .filter(addresses -> !spec.addresses().isEmpty() || addresses.autoAssign())
            .ifPresent(candidates::add);
      }
      if (candidates.isEmpty()) {
        return refuse(
            owner,
            AddressOutcome.NO_POOL,
            spec.addresses().isEmpty()
                ? "no Pool has autoAssign enabled; set spec.poolRef"
                : "there is no valid Pool");
      }
    }
    AddressRequest request =
        spec.addresses().isEmpty()
            ? new AddressRequest.AnyFree(candidates)
            : new AddressRequest.Exactly(
                spec.addresses().stream().map(IpAddress::parse).toList(), candidates);
    return outcome(ipam.allocate(owner, request));
  }

  /** Lets go of everything: the spec is not accepted, or the LoadBalancer is going away. */
  void release(Owner owner) {
    ipam.release(owner);
  }

  private AddressOutcome refuse(Owner owner, String reason, String message) {
    ipam.release(owner);
    return new AddressOutcome.NotAllocated(reason, message);
  }

  private static AddressOutcome outcome(Allocation allocation) {
    return switch (allocation) {
      case Allocation.Granted granted ->
          new AddressOutcome.Allocated(granted.addresses(), granted.pool());
      case Allocation.Exhausted exhausted ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.POOL_EXHAUSTED,
              exhausted.pools().size() == 1
                  ? "Pool " + exhausted.pools().getFirst() + " has no free address"
                  : "Pools " + String.join(", ", exhausted.pools()) + " have no free address");
      case Allocation.InUse inUse ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.ADDRESS_IN_USE,
              inUse.address() + " is held by LoadBalancer " + inUse.holder());
      case Allocation.OutsidePools outside ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.ADDRESS_NOT_IN_POOL,
              outside.pools().size() == 1
                  ? outside.address() + " is not in Pool " + outside.pools().getFirst()
                  : outside.address()
                      + " is in none of the Pools "
                      + String.join(", ", outside.pools()));
    };
  }
}
