package io.gatun.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.backends.EndpointSlices;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Informer indexes, so a reconcile or an event reads only the objects it concerns. Without them a
 * LoadBalancer's reconcile filtered every EndpointSlice of its namespace by label, and every slice
 * event every LoadBalancer by spec: at ten thousand of each that is 10⁸ label look-ups per pass,
 * and it was most of the operator's CPU (BENCHMARKS.md, the 10,000 profile).
 *
 * <p>Keys name objects in one namespace as {@code namespace/name}, as the API does.
 */
final class LoadBalancerIndexes {

  /** EndpointSlices by {@code namespace/service} (their {@code kubernetes.io/service-name}). */
  static final String SLICES_BY_SERVICE = "slices-by-service";

  /** LoadBalancers by {@code namespace/service} of their {@code backends.serviceRef}. */
  static final String BY_SERVICE_REF = "by-service-ref";

  /** LoadBalancers by {@code namespace/probe} of their {@code healthProbeRef}. */
  static final String BY_HEALTH_PROBE = "by-health-probe";

  /** LoadBalancers that pick pods by {@code backends.selector}, by namespace. */
  static final String WITH_POD_SELECTOR = "with-pod-selector";

  /** LoadBalancers by their {@code poolRef}; {@link #ANY_POOL} for those that name none. */
  static final String BY_POOL = "by-pool";

  /** The {@link #BY_POOL} key of LoadBalancers without a poolRef (any pool may serve them). */
  static final String ANY_POOL = "";

  private LoadBalancerIndexes() {}

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** The index functions over EndpointSlices. */
  static Map<String, Function<GenericKubernetesResource, List<String>>> slices() {
    return Map.of(SLICES_BY_SERVICE, LoadBalancerIndexes::sliceService);
  }

  /** The index functions over LoadBalancers. */
  static Map<String, Function<LoadBalancer, List<String>>> loadBalancers() {
    return Map.of(
        BY_SERVICE_REF, LoadBalancerIndexes::serviceRef,
        BY_HEALTH_PROBE, LoadBalancerIndexes::healthProbe,
        WITH_POD_SELECTOR, LoadBalancerIndexes::podSelector,
        BY_POOL, LoadBalancerIndexes::pool);
  }

  static List<String> sliceService(GenericKubernetesResource slice) {
    String service = EndpointSlices.serviceName(slice);
    return service == null ? List.of() : List.of(key(slice.getMetadata().getNamespace(), service));
  }

  static List<String> serviceRef(LoadBalancer lb) {
    var spec = lb.getSpec();
    return spec == null || spec.backends() == null || spec.backends().serviceRef() == null
        ? List.of()
        : List.of(key(lb.getMetadata().getNamespace(), spec.backends().serviceRef()));
  }

  static List<String> healthProbe(LoadBalancer lb) {
    var spec = lb.getSpec();
    return spec == null || spec.healthProbeRef() == null
        ? List.of()
        : List.of(key(lb.getMetadata().getNamespace(), spec.healthProbeRef()));
  }

  static List<String> podSelector(LoadBalancer lb) {
    var spec = lb.getSpec();
    return spec == null || spec.backends() == null || spec.backends().selector() == null
        ? List.of()
        : List.of(lb.getMetadata().getNamespace());
  }

  static List<String> pool(LoadBalancer lb) {
    var spec = lb.getSpec();
    if (spec == null) {
      return List.of();
    }
    return List.of(spec.poolRef() == null ? ANY_POOL : spec.poolRef());
  }

  /** The LoadBalancers under {@code key} of {@code index}, as the ids to reconcile. */
  static Set<ResourceID> lookUp(
      IndexerResourceCache<LoadBalancer> cache, String index, String key) {
    return cache.byIndex(index, key).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
