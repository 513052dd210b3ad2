package io.gatun.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.Pool;
import io.gatun.operator.backends.EndpointSlices;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.pool.PoolCatalogs;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a LoadBalancer's surroundings from the caches {@link LoadBalancerWatches} fills. */
final class LoadBalancerObserver {

  private final PoolCatalogs catalogs;

  LoadBalancerObserver(PoolCatalogs catalogs) {
    this.catalogs = catalogs;
  }

  ObservedState observe(LoadBalancer lb, Context<LoadBalancer> context) {
    String namespace = lb.getMetadata().getNamespace();
    var spec = lb.getSpec();
    var backends = spec == null ? null : spec.backends();

    List<Pool> pools =
        source(context, Pool.class, LoadBalancerWatches.POOLS).list(p -> true).toList();
    Map<String, String> namespaceLabels =
        source(context, Namespace.class, LoadBalancerWatches.NAMESPACES)
            .get(new ResourceID(namespace))
            .map(ns -> ns.getMetadata().getLabels())
            .orElse(Map.of());

    List<EndpointSlice> slices = List.of();
    if (backends != null && backends.serviceRef() != null) {
      var serialization = context.getClient().getKubernetesSerialization();
      // Its Service's slices through the index: listing the namespace's costs every slice.
      slices =
          source(context, GenericKubernetesResource.class, LoadBalancerWatches.ENDPOINT_SLICES)
              .byIndex(
                  LoadBalancerIndexes.SLICES_BY_SERVICE,
                  LoadBalancerIndexes.key(namespace, backends.serviceRef()))
              .stream()
              .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
              .map(s -> EndpointSlices.read(s, serialization))
              .toList();
    }
    List<Pod> pods = List.of();
    if (backends != null && backends.selector() != null) {
      pods =
          source(context, Pod.class, LoadBalancerWatches.PODS)
              .list(
                  namespace,
                  p -> LabelSelectors.matches(backends.selector(), LabelSelectors.labelsOf(p)))
              .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
              .toList();
    }
    HealthProbe probe = null;
    if (spec != null && spec.healthProbeRef() != null) {
      probe =
          source(context, HealthProbe.class, LoadBalancerWatches.HEALTH_PROBES)
              .get(new ResourceID(spec.healthProbeRef(), namespace))
              .orElse(null);
    }
    var nodeLabels = new HashMap<String, Map<String, String>>();
    source(context, Node.class, LoadBalancerWatches.NODES)
        .list(n -> true)
        .forEach(n -> nodeLabels.put(n.getMetadata().getName(), LabelSelectors.labelsOf(n)));
    return new ObservedState(catalogs.of(pools), namespaceLabels, slices, pods, probe, nodeLabels);
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, LoadBalancer> source(
      Context<LoadBalancer> context, Class<R> type, String name) {
    return (InformerEventSource<R, LoadBalancer>)
        context.eventSourceRetriever().getEventSourceFor(type, name);
  }
}
