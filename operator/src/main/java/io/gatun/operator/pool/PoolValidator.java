package io.gatun.operator.pool;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.gatun.operator.api.BgpPeer;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolAllocation;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.PoolAddresses;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Pool as far as the API server cannot: its CEL rules, exact address syntax, overlaps
 * (within the pool and with older pools), label selectors and BGP peer addresses.
 */
final class PoolValidator {

  /** The pool's addresses when they parse, and everything found wrong with it. */
  record Result(PoolAddresses addresses, Validation validation) {}

  private final CrdRules rules;

  PoolValidator(CrdRules rules) {
    this.rules = rules;
  }

  /**
   * @param older the parsed addresses of the pools created before this one: on overlap, the older
   *     pool keeps the addresses and this one is invalid
   */
  Result validate(Pool pool, List<PoolAddresses> older) {
    var spec = pool.getSpec();
    if (spec == null) {
      return new Result(null, new Validation(List.of("spec is missing"), List.of()));
    }
    var invalid = new ArrayList<>(rules.check(pool));
    PoolAddresses addresses = null;
    try {
      addresses =
          PoolAddresses.parse(
              pool.getMetadata().getName(),
              spec.addresses(),
              spec.autoAssignOrDefault(),
              spec.avoidBuggyIpsOrDefault());
      for (PoolAddresses other : older) {
        var overlap = addresses.overlapWith(other);
        if (overlap.isPresent()) {
          invalid.add(
              "spec.addresses: "
                  + overlap.get()
                  + " of the older Pool "
                  + other.name()
                  + ": pools must not share addresses, remove the overlap");
        }
      }
    } catch (IllegalArgumentException e) {
      invalid.add("spec.addresses: " + e.getMessage());
    }
    PoolAllocation allocation = spec.allocation();
    if (allocation != null) {
      checkSelectors(
          allocation.namespaceSelectors(), "spec.allocation.namespaceSelectors", invalid);
      checkSelectors(allocation.serviceSelectors(), "spec.allocation.serviceSelectors", invalid);
    }
    if (spec.announcement() != null) {
      invalid.addAll(
          LabelSelectors.problems(
              spec.announcement().nodeSelector(), "spec.announcement.nodeSelector"));
    }
    if (spec.announcement() != null && spec.announcement().bgp() != null) {
      checkPeers(spec.announcement().bgp().peers(), invalid);
    }
    return new Result(addresses, Validation.of(invalid));
  }

  /** Peer addresses parse exactly (the schema screens only their alphabet). */
  private static void checkPeers(List<BgpPeer> peers, List<String> invalid) {
    for (int i = 0; i < peers.size(); i++) {
      String address = peers.get(i).address();
      try {
        IpAddress.parse(address);
      } catch (IllegalArgumentException e) {
        invalid.add(
            "spec.announcement.bgp.peers["
                + i
                + "].address: "
                + address
                + " is not an IPv4 or IPv6 address: write the router's address, e.g. 198.18.0.1");
      }
    }
  }

  private static void checkSelectors(
      List<LabelSelector> selectors, String field, List<String> invalid) {
    if (selectors != null) {
      for (int i = 0; i < selectors.size(); i++) {
        invalid.addAll(LabelSelectors.problems(selectors.get(i), field + "[" + i + "]"));
      }
    }
  }
}
