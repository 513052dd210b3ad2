package io.gatun.operator.ipam;

import java.util.List;

/** What a LoadBalancer asks IPAM for. */
public sealed interface AddressRequest {

  /** The pools the answer may come from, in order of preference. */
  List<PoolAddresses> pools();

  /** Any free address, from the first of {@code pools} that has one. */
  record AnyFree(List<PoolAddresses> pools) implements AddressRequest {
    public AnyFree {
      pools = List.copyOf(pools);
    }
  }

  /** These addresses exactly; each must lie in one of {@code pools} and be free. */
  record Exactly(List<IpAddress> addresses, List<PoolAddresses> pools) implements AddressRequest {
    public Exactly {
      addresses = List.copyOf(addresses);
      pools = List.copyOf(pools);
    }
  }
}
