package io.gatun.operator.ipam;

import java.util.List;
import java.util.Set;

/**
 * What one owner holds, and on what terms.
 *
 * @param pool the pool the addresses were taken from (null when unknown, e.g. restored without)
 * @param intent the owner's {@link AddressRequest#intent()} when it got them
 * @param sharing its sharing group; null when it holds the addresses alone
 * @param ports the ports it serves on them
 */
public record Lease(
    Owner owner,
    List<IpAddress> addresses,
    String pool,
    Object intent,
    SharingGroup sharing,
    Set<PortKey> ports) {

  public Lease {
    addresses = List.copyOf(addresses);
    ports = Set.copyOf(ports);
  }
}
