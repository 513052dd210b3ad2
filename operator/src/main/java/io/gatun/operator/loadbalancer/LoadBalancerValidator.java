package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.IpFamilyPolicy;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.backends.UsableBackends;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;

/**
 * Checks what the API server may not: the CRD's CEL rules (servers before 1.25 ignore them), exact
 * address syntax, label selectors, and what the forwarders would refuse that CEL cannot express (a
 * prime table size within their limit and larger than the backends, duplicate static backends,
 * backends of the VIP's family). Every LoadBalancer field is carried to the forwarders, so a
 * LoadBalancer is never Unsupported: a problem is a mistake ({@code Invalid}).
 */
final class LoadBalancerValidator {

  private final CrdRules rules;

  LoadBalancerValidator(CrdRules rules) {
    this.rules = rules;
  }

  Validation validate(LoadBalancer lb) {
    LoadBalancerSpec spec = lb.getSpec();
    if (spec == null) {
      return Validation.of(List.of("spec is missing"));
    }
    var invalid = new ArrayList<>(rules.check(lb));
    checkAddresses(spec, invalid);
    checkBackends(spec, invalid);
    checkTableSize(spec, invalid);
    return Validation.of(invalid);
  }

  /**
   * What only the allocated VIPs tell: a SingleStack LoadBalancer has one VIP, and a static backend
   * of the other family could never be reached from it (forwarders do not translate between
   * families). Observed backends (endpoints, pods) of another family are left out instead, and said
   * so in BackendsHealthy: a dual-stack Service legitimately has both.
   */
  Validation validateFor(LoadBalancer lb, List<IpAddress> vips) {
    var spec = lb.getSpec();
    if (vips.isEmpty()
        || spec.ipFamilyPolicyOrDefault() != IpFamilyPolicy.SINGLE_STACK
        || spec.backends() == null
        || spec.backends().staticBackends() == null) {
      return Validation.OK;
    }
    IpAddress vip = vips.getFirst();
    var invalid = new ArrayList<String>();
    var statics = spec.backends().staticBackends();
    for (int i = 0; i < statics.size(); i++) {
      IpAddress address;
      try {
        address = IpAddress.parse(statics.get(i).address());
      } catch (IllegalArgumentException e) {
        continue; // validate() reports it
      }
      if (address.family() != vip.family()) {
        String other = address.family().apiName();
        invalid.add(
            "spec.backends.static["
                + i
                + "].address: "
                + address
                + " is "
                + other
                + ", but the VIP of this SingleStack LoadBalancer is "
                + vip.family().apiName()
                + " ("
                + vip
                + ") and forwarders do not translate between families: list "
                + vip.family().apiName()
                + " backends, or ask for an "
                + other
                + " VIP with spec.ipFamilies: ["
                + other
                + "]");
      }
    }
    return Validation.of(invalid);
  }

  /**
   * The data plane builds a table of a prime size no larger than its limit, one entry per backend
   * at least.
   */
  private static void checkTableSize(LoadBalancerSpec spec, List<String> invalid) {
    Integer size = spec.maglevTableSize();
    if (size == null) {
      return;
    }
    if (size > LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE) {
      invalid.add(
          "spec.maglevTableSize: "
              + size
              + " is larger than forwarders build ("
              + LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE
              + "): use a prime no larger, such as 65537 or 999983");
    } else if (!BigInteger.valueOf(size).isProbablePrime(30)) {
      invalid.add(
          "spec.maglevTableSize: " + size + " is not prime: use a prime such as 65537 or 131071");
    }
    var statics = spec.backends() == null ? null : spec.backends().staticBackends();
    if (statics != null && statics.size() >= size) {
      invalid.add(
          "spec.maglevTableSize: "
              + size
              + " is not larger than the "
              + statics.size()
              + " static backends: use a prime about 100 times the backends, such as "
              + UsableBackends.suggestedTableSize(statics.size()));
    }
  }

  private static void checkAddresses(LoadBalancerSpec spec, List<String> invalid) {
    var families = new HashSet<IpFamily>();
    for (int i = 0; i < spec.addressesOrEmpty().size(); i++) {
      String text = spec.addressesOrEmpty().get(i);
      try {
        IpAddress address = IpAddress.parse(text);
        if (!families.add(address.family())) {
          invalid.add(
              "spec.addresses: two "
                  + address.family().apiName()
                  + " addresses; ask for at most one per family");
        }
        if (spec.ipFamilies() != null
            && !spec.ipFamilies().isEmpty()
            && !spec.ipFamilies().contains(familyName(address.family()))) {
          invalid.add(
              "spec.addresses["
                  + i
                  + "]: "
                  + text
                  + " is "
                  + address.family().apiName()
                  + ", which spec.ipFamilies does not list");
        }
      } catch (IllegalArgumentException e) {
        invalid.add("spec.addresses[" + i + "]: " + e.getMessage());
      }
    }
  }

  private static void checkBackends(LoadBalancerSpec spec, List<String> invalid) {
    var backends = spec.backends();
    if (backends == null) {
      return; // the schema requires it; CEL and the server say so
    }
    invalid.addAll(LabelSelectors.problems(backends.selector(), "spec.backends.selector"));
    if (backends.staticBackends() == null) {
      return;
    }
    var seen = new HashMap<String, Integer>(); // "address port-field" -> first index
    var effective = new HashMap<String, Integer>(); // "LB-port address port" -> first index
    for (int i = 0; i < backends.staticBackends().size(); i++) {
      StaticBackend backend = backends.staticBackends().get(i);
      String field = "spec.backends.static[" + i + "]";
      IpAddress address;
      try {
        address = IpAddress.parse(backend.address());
      } catch (IllegalArgumentException e) {
        invalid.add(field + ".address: " + e.getMessage());
        continue;
      }
      if (seen.putIfAbsent(address + " " + backend.port(), i) != null) {
        invalid.add(field + ": " + backend.address() + " is listed twice: one entry per backend");
        continue;
      }
      // A backend is its address and port: without a port of its own it takes each port's
      // targetPort, which may be another entry's own port.
      for (LoadBalancerPort port : spec.ports()) {
        int target = backend.port() != null ? backend.port() : port.targetPortOrDefault();
        Integer other = effective.putIfAbsent(port.name() + " " + address + " " + target, i);
        if (other != null && other != i) {
          invalid.add(
              field
                  + ": "
                  + address
                  + " port "
                  + target
                  + " is also static["
                  + other
                  + "] for port "
                  + port.name()
                  + " (a backend without a port takes the targetPort): one entry per address and"
                  + " port, or give each its own port");
          break;
        }
      }
    }
  }

  private static IpFamilyName familyName(IpFamily family) {
    return family == IpFamily.IPV4 ? IpFamilyName.IPv4 : IpFamilyName.IPv6;
  }
}
