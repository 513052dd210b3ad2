package io.gatun.operator.reconciler;

import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;

/**
 * Checks what the API server may not: the CRD's CEL rules (servers before 1.25 ignore them), exact
 * address syntax, label selectors, rules CEL cannot express (a prime table size, duplicate static
 * backends). Every LoadBalancer field is carried to the forwarders, so a LoadBalancer is never
 * Unsupported: a problem is a mistake ({@code Invalid}).
 */
final class LoadBalancerValidator {

  private final SchemaRules rules;

  LoadBalancerValidator(SchemaRules rules) {
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
    if (spec.maglevTableSize() != null
        && !BigInteger.valueOf(spec.maglevTableSize()).isProbablePrime(30)) {
      invalid.add(
          "spec.maglevTableSize: "
              + spec.maglevTableSize()
              + " is not prime: use a prime such as 65537 (the default) or 131071");
    }
    return Validation.of(invalid);
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
