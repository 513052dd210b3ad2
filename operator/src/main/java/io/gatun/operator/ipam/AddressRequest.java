package io.gatun.operator.ipam;

import java.util.List;
import java.util.Set;

/**
 * What an owner asks IPAM for.
 *
 * @param pools the pools the answer may come from, most preferred first
 * @param policy one family, both, or both when possible
 * @param families acceptable families, most preferred first (never empty)
 * @param requested exact addresses wanted (at most one per family); empty means any free one
 * @param sharing the group the owner may share addresses with; null for an address of its own
 * @param ports what the owner serves on the address, compared with co-holders' when sharing
 * @param intent what the owner asked for in its own spec (pool, addresses, families); while it
 *     stays the same, addresses the pools no longer back are kept rather than taken away
 */
public record AddressRequest(
    List<PoolAddresses> pools,
    FamilyPolicy policy,
    List<IpFamily> families,
    List<IpAddress> requested,
    SharingGroup sharing,
    Set<PortKey> ports,
    Object intent) {

  public AddressRequest {
    pools = List.copyOf(pools);
    families = List.copyOf(families);
    requested = List.copyOf(requested);
    ports = Set.copyOf(ports);
    if (families.isEmpty()) {
      throw new IllegalArgumentException("no acceptable family");
    }
  }

  /** Any one free address, IPv4 preferred, nothing shared. */
  public static AddressRequest anyFree(List<PoolAddresses> pools) {
    return new AddressRequest(
        pools,
        FamilyPolicy.SINGLE,
        List.of(IpFamily.IPV4, IpFamily.IPV6),
        List.of(),
        null,
        Set.of(),
        "any");
  }

  /** Exactly these addresses, nothing shared. */
  public static AddressRequest exactly(List<IpAddress> addresses, List<PoolAddresses> pools) {
    return new AddressRequest(
        pools,
        addresses.size() > 1 ? FamilyPolicy.REQUIRE_DUAL : FamilyPolicy.SINGLE,
        List.of(IpFamily.IPV4, IpFamily.IPV6),
        addresses,
        null,
        Set.of(),
        addresses);
  }

  List<String> poolNames() {
    return pools.stream().map(PoolAddresses::name).toList();
  }
}
