package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.operator.api.LoadBalancerSpec;
import java.util.List;

/** Picks a LoadBalancer's backend source: serviceRef, selector or static. */
public final class BackendSources {

  private BackendSources() {}

  /**
   * @param slices the EndpointSlices of {@code spec.backends.serviceRef} (empty without one)
   * @param pods the pods {@code spec.backends.selector} picks (empty without one)
   */
  public static BackendSet of(LoadBalancerSpec spec, List<EndpointSlice> slices, List<Pod> pods) {
    var backends = spec == null ? null : spec.backends();
    if (backends != null && backends.serviceRef() != null) {
      return EndpointSliceBackends.of(backends.serviceRef(), slices);
    }
    if (backends != null && backends.selector() != null) {
      return PodBackends.of(backends.selector(), pods);
    }
    return StaticBackends.of(
        backends == null || backends.staticBackends() == null
            ? List.of()
            : backends.staticBackends());
  }
}
