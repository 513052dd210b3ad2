package io.gatun.operator.ipam;

import java.util.List;
import java.util.Set;

/** IPAM's answer to an {@link AddressRequest}. */
public sealed interface Allocation {

  /** The owner holds {@code addresses}, which lie in pool {@code pool}. */
  record Granted(List<IpAddress> addresses, String pool) implements Allocation {
    public Granted {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * The owner keeps {@code addresses}, taken from {@code pool}, although no candidate pool contains
   * them any more (a range was removed, the pool deleted or it stopped allowing the owner): taking
   * them away would break traffic, so it is reported instead.
   */
  record Kept(List<IpAddress> addresses, String pool) implements Allocation {
    public Kept {
      addresses = List.copyOf(addresses);
    }
  }

  /** Every candidate pool is full (for {@code families}). */
  record Exhausted(List<String> pools, Set<IpFamily> families) implements Allocation {
    public Exhausted {
      pools = List.copyOf(pools);
      families = Set.copyOf(families);
    }
  }

  /** No candidate pool has addresses of {@code family} at all. */
  record NoPoolForFamily(IpFamily family, List<String> pools) implements Allocation {
    public NoPoolForFamily {
      pools = List.copyOf(pools);
    }
  }

  /** A requested address is held by others and cannot be shared with them ({@code why}). */
  record InUse(IpAddress address, Set<Owner> holders, String why) implements Allocation {
    public InUse {
      holders = Set.copyOf(holders);
    }
  }

  /** A requested address lies in none of the candidate pools. */
  record OutsidePools(IpAddress address, List<String> pools) implements Allocation {
    public OutsidePools {
      pools = List.copyOf(pools);
    }
  }
}
