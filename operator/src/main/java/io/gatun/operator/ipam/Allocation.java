package io.gatun.operator.ipam;

import java.util.List;

/** IPAM's answer to an {@link AddressRequest}. */
public sealed interface Allocation {

  /** The owner holds {@code addresses}, which lie in pool {@code pool}. */
  record Granted(List<IpAddress> addresses, String pool) implements Allocation {
    public Granted {
      addresses = List.copyOf(addresses);
    }
  }

  /** Every candidate pool is full. */
  record Exhausted(List<String> pools) implements Allocation {
    public Exhausted {
      pools = List.copyOf(pools);
    }
  }

  /** A requested address is held by someone else. */
  record InUse(IpAddress address, Owner holder) implements Allocation {}

  /** A requested address lies in none of the candidate pools. */
  record OutsidePools(IpAddress address, List<String> pools) implements Allocation {
    public OutsidePools {
      pools = List.copyOf(pools);
    }
  }
}
