package io.gatun.operator.reconciler;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.operator.api.Pool;
import java.util.List;

/**
 * What a LoadBalancer reconcile sees of the cluster, read once from the informer caches.
 *
 * @param pools every Pool, by name
 * @param endpointSlices the slices of {@code spec.backends.serviceRef} (empty without one)
 */
record ObservedState(List<Pool> pools, List<EndpointSlice> endpointSlices) {

  ObservedState {
    pools = List.copyOf(pools);
    endpointSlices = List.copyOf(endpointSlices);
  }
}
