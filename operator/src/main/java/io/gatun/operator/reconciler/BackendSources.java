package io.gatun.operator.reconciler;

import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.ipam.IpAddress;
import java.util.List;

/** Picks a LoadBalancer's backend source: serviceRef, selector or static. */
final class BackendSources {

  private BackendSources() {}

  static BackendSet of(LoadBalancerSpec spec, ObservedState observed) {
    var backends = spec == null ? null : spec.backends();
    if (backends != null && backends.serviceRef() != null) {
      return EndpointSliceBackends.of(backends.serviceRef(), observed.endpointSlices());
    }
    if (backends != null && backends.selector() != null) {
      return PodBackends.of(backends.selector(), observed.pods());
    }
    return StaticBackends.of(
        backends == null || backends.staticBackends() == null
            ? List.of()
            : backends.staticBackends().stream().filter(b -> parses(b.address())).toList());
  }

  private static boolean parses(String address) {
    try {
      IpAddress.parse(address);
      return true;
    } catch (IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }
}
