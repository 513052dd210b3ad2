package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.IpFamilyPolicy;
import io.gatun.operator.api.LoadBalancerSpec;
import java.util.List;

/**
 * What a LoadBalancer's spec asks of IPAM, as IPAM compares it: while this stays the same, an
 * address its pool stopped containing is kept instead of being replaced.
 */
record AddressIntent(
    String poolRef, List<String> addresses, IpFamilyPolicy policy, List<IpFamilyName> families) {

  static AddressIntent of(LoadBalancerSpec spec) {
    return new AddressIntent(
        spec.poolRef(),
        spec.addressesOrEmpty(),
        spec.ipFamilyPolicyOrDefault(),
        spec.ipFamilies() == null ? List.of() : spec.ipFamilies());
  }
}
