package io.gatun.operator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.Pool;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Kubernetes resources a LoadBalancer depends on besides itself, and how a change to one of
 * them maps back to the LoadBalancers to reconcile.
 */
final class LoadBalancerWatches {

  static final String POOLS = "pools";
  static final String ENDPOINT_SLICES = "endpointslices";

  private LoadBalancerWatches() {}

  /**
   * Pools, by spec change only: a pool's status moves with every allocation and would otherwise
   * wake every LoadBalancer of the pool each time.
   */
  static InformerEventSource<Pool, LoadBalancer> pools(EventSourceContext<LoadBalancer> context) {
    var config =
        InformerEventSourceConfiguration.from(Pool.class, LoadBalancer.class)
            .withName(POOLS)
            .withSecondaryToPrimaryMapper(
                pool -> loadBalancersUsing(context, pool.getMetadata().getName()))
            .withOnUpdateFilter(
                (newPool, oldPool) ->
                    !Objects.equals(
                        newPool.getMetadata().getGeneration(),
                        oldPool.getMetadata().getGeneration()))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** EndpointSlices of the served version, mapped through their service-name label. */
  static InformerEventSource<GenericKubernetesResource, LoadBalancer> endpointSlices(
      EventSourceContext<LoadBalancer> context, GroupVersionKind servedVersion) {
    var config =
        InformerEventSourceConfiguration.from(servedVersion, LoadBalancer.class)
            .withName(ENDPOINT_SLICES)
            .withLabelSelector(EndpointSlices.SERVICE_NAME_LABEL)
            .withSecondaryToPrimaryMapper(
                slice ->
                    loadBalancersOfService(
                        context,
                        slice.getMetadata().getNamespace(),
                        EndpointSlices.serviceName(slice)))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** LoadBalancers naming the pool, and those without poolRef (any pool may serve them). */
  private static Set<ResourceID> loadBalancersUsing(
      EventSourceContext<LoadBalancer> context, String pool) {
    return context
        .getPrimaryCache()
        .list(
            lb -> {
              String poolRef = lb.getSpec() == null ? null : lb.getSpec().poolRef();
              return poolRef == null || poolRef.equals(pool);
            })
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> loadBalancersOfService(
      EventSourceContext<LoadBalancer> context, String namespace, String service) {
    if (service == null) {
      return Set.of();
    }
    return context
        .getPrimaryCache()
        .list(
            namespace,
            lb ->
                lb.getSpec() != null
                    && lb.getSpec().backends() != null
                    && service.equals(lb.getSpec().backends().serviceRef()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
