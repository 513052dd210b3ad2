package io.gatun.operator.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.Pool;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.List;

/** Reads a LoadBalancer's surroundings from the caches {@link LoadBalancerWatches} fills. */
final class LoadBalancerObserver {

  ObservedState observe(LoadBalancer lb, Context<LoadBalancer> context) {
    var retriever = context.eventSourceRetriever();
    var pools =
        (InformerEventSource<Pool, LoadBalancer>)
            retriever.getEventSourceFor(Pool.class, LoadBalancerWatches.POOLS);
    List<Pool> allPools =
        pools
            .list(pool -> true)
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();

    var spec = lb.getSpec();
    String service = spec == null || spec.backends() == null ? null : spec.backends().serviceRef();
    if (service == null) {
      return new ObservedState(allPools, List.of());
    }
    var slices =
        (InformerEventSource<GenericKubernetesResource, LoadBalancer>)
            retriever.getEventSourceFor(
                GenericKubernetesResource.class, LoadBalancerWatches.ENDPOINT_SLICES);
    var serialization = context.getClient().getKubernetesSerialization();
    return new ObservedState(
        allPools,
        slices
            .list(
                lb.getMetadata().getNamespace(),
                slice -> service.equals(EndpointSlices.serviceName(slice)))
            .sorted(Comparator.comparing(slice -> slice.getMetadata().getName()))
            .map(slice -> EndpointSlices.read(slice, serialization))
            .toList());
  }
}
