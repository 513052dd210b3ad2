package io.gatun.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.backends.BackendSet;
import io.gatun.operator.backends.BackendSources;
import io.gatun.operator.pool.PoolCatalog;
import java.util.List;
import java.util.Map;

/**
 * What a LoadBalancer reconcile sees of the cluster, read once from the informer caches.
 *
 * @param pools every Pool, checked
 * @param namespaceLabels the labels of the LoadBalancer's namespace (for pool allocation rules)
 * @param endpointSlices the slices of {@code spec.backends.serviceRef} (empty without one)
 * @param pods the pods {@code spec.backends.selector} picks (empty without one)
 * @param healthProbe the HealthProbe {@code spec.healthProbeRef} names; null when none or missing
 * @param nodeLabels every node's labels (the Pools' announcement.nodeSelector)
 */
record ObservedState(
    PoolCatalog pools,
    Map<String, String> namespaceLabels,
    List<EndpointSlice> endpointSlices,
    List<Pod> pods,
    HealthProbe healthProbe,
    Map<String, Map<String, String>> nodeLabels) {

  ObservedState {
    nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
    namespaceLabels = namespaceLabels == null ? Map.of() : Map.copyOf(namespaceLabels);
    endpointSlices = List.copyOf(endpointSlices);
    pods = List.copyOf(pods);
  }

  /** The backends {@code spec} names, from whichever source it names. */
  BackendSet backends(LoadBalancerSpec spec) {
    return BackendSources.of(spec, endpointSlices, pods);
  }
}
