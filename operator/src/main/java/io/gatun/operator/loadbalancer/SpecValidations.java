package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.schema.Validation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Each LoadBalancer's last validation, reused while its spec stays equal: what is validated (the
 * CRD's CEL rules, all of them under {@code spec}, and the operator's own checks) depends on the
 * spec alone, and most reconciles do not change it (an endpoint change, a forwarder's answer, the
 * wait for one: three reconciles per endpoint change). Validating converts the whole LoadBalancer
 * to JSON and walks the schema: 8-13 % of the operator's CPU at 10,000 LoadBalancers (JFR,
 * BENCHMARKS.md) before it was kept.
 */
final class SpecValidations {

  private record Validated(LoadBalancerSpec spec, Validation validation) {}

  private final Function<LoadBalancer, Validation> validate;
  private final Map<Owner, Validated> last = new ConcurrentHashMap<>();

  SpecValidations(Function<LoadBalancer, Validation> validate) {
    this.validate = validate;
  }

  /** {@code lb}'s validation: the last one while its spec is equal to the one validated then. */
  Validation of(Owner owner, LoadBalancer lb) {
    LoadBalancerSpec spec = lb.getSpec();
    Validated known = last.get(owner);
    if (spec != null && known != null && known.spec().equals(spec)) {
      return known.validation();
    }
    Validation validation = validate.apply(lb);
    if (spec == null) {
      last.remove(owner);
    } else {
      last.put(owner, new Validated(spec, validation));
    }
    return validation;
  }

  /** The LoadBalancer is gone. */
  void forget(Owner owner) {
    last.remove(owner);
  }
}
