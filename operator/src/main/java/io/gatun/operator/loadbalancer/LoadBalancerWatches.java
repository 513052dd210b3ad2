package io.gatun.operator.loadbalancer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Pool;
import io.gatun.operator.backends.EndpointSlices;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.backends.PodBackendFacts;
import io.gatun.operator.backends.SliceFieldsRead;
import io.gatun.operator.watch.SpecChanged;
import io.gatun.operator.watch.WithoutManagedFields;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Kubernetes resources a LoadBalancer depends on besides itself, and how a change to one of
 * them maps back to the LoadBalancers to reconcile. Updates that cannot change a LoadBalancer (a
 * pool's status, a pod's unrelated fields) are filtered out: at ten thousand LoadBalancers they
 * would otherwise wake every one of them.
 */
final class LoadBalancerWatches {

  static final String POOLS = "pools";
  static final String ENDPOINT_SLICES = "endpointslices";
  static final String PODS = "pods";
  static final String NAMESPACES = "namespaces";
  static final String HEALTH_PROBES = "healthprobes";
  static final String NODES = "nodes";

  private LoadBalancerWatches() {}

  /** Pools, by spec change only. */
  static InformerEventSource<Pool, LoadBalancer> pools(EventSourceContext<LoadBalancer> context) {
    var config =
        InformerEventSourceConfiguration.from(Pool.class, LoadBalancer.class)
            .withName(POOLS)
            .withSecondaryToPrimaryMapper(
                pool -> {
                  var cache = context.getPrimaryCache();
                  var ids =
                      new HashSet<>(
                          LoadBalancerIndexes.lookUp(
                              cache, LoadBalancerIndexes.BY_POOL, pool.getMetadata().getName()));
                  ids.addAll(
                      LoadBalancerIndexes.lookUp(
                          cache, LoadBalancerIndexes.BY_POOL, LoadBalancerIndexes.ANY_POOL));
                  return ids;
                })
            .withOnUpdateFilter(SpecChanged.FILTER)
            .build();
    return new InformerEventSource<>(config, context);
  }

  /**
   * EndpointSlices of the served version, mapped through their service-name label to the
   * LoadBalancers naming that Service, and indexed by it ({@link
   * LoadBalancerIndexes#SLICES_BY_SERVICE}) for the reconcile to read its own.
   */
  static InformerEventSource<GenericKubernetesResource, LoadBalancer> endpointSlices(
      EventSourceContext<LoadBalancer> context, GroupVersionKind servedVersion) {
    var config =
        InformerEventSourceConfiguration.from(servedVersion, LoadBalancer.class)
            .withName(ENDPOINT_SLICES)
            .withLabelSelector(EndpointSlices.SERVICE_NAME_LABEL)
            // Only the fields the reconcile reads: the rest is most of a cached slice.
            .withItemStore(new TransformingItemStore<>(SliceFieldsRead::keep))
            .withSecondaryToPrimaryMapper(
                slice ->
                    LoadBalancerIndexes.sliceService(slice).stream()
                        .flatMap(
                            key ->
                                LoadBalancerIndexes.lookUp(
                                    context.getPrimaryCache(),
                                    LoadBalancerIndexes.BY_SERVICE_REF,
                                    key)
                                    .stream())
                        .collect(Collectors.toSet()))
            .build();
    var source = new InformerEventSource<>(config, context);
    source.addIndexers(LoadBalancerIndexes.slices());
    return source;
  }

  /** Pods, mapped to the LoadBalancers whose selector picks them, on changes that matter. */
  static InformerEventSource<Pod, LoadBalancer> pods(EventSourceContext<LoadBalancer> context) {
    var config =
        InformerEventSourceConfiguration.from(Pod.class, LoadBalancer.class)
            .withName(PODS)
            .withItemStore(WithoutManagedFields.store())
            .withSecondaryToPrimaryMapper(
                pod ->
                    matching(
                        context
                            .getPrimaryCache()
                            .byIndex(
                                LoadBalancerIndexes.WITH_POD_SELECTOR,
                                pod.getMetadata().getNamespace())
                            .stream(),
                        spec ->
                            spec.backends() != null
                                && spec.backends().selector() != null
                                && LabelSelectors.matches(
                                    spec.backends().selector(), LabelSelectors.labelsOf(pod))))
            .withOnUpdateFilter(
                (newPod, oldPod) -> !PodBackendFacts.of(newPod).equals(PodBackendFacts.of(oldPod)))
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** Namespaces, by label change: pools may allocate by namespace label. */
  static InformerEventSource<Namespace, LoadBalancer> namespaces(
      EventSourceContext<LoadBalancer> context) {
    var config =
        InformerEventSourceConfiguration.from(Namespace.class, LoadBalancer.class)
            .withName(NAMESPACES)
            .withSecondaryToPrimaryMapper(
                ns ->
                    matching(
                        context.getPrimaryCache().list(ns.getMetadata().getName()), spec -> true))
            .withOnUpdateFilter(
                (newNs, oldNs) ->
                    !Objects.equals(
                        newNs.getMetadata().getLabels(), oldNs.getMetadata().getLabels()))
            .withOnAddFilter(ns -> false) // the cache is what matters; LoadBalancers read it
            .build();
    return new InformerEventSource<>(config, context);
  }

  /**
   * Nodes, by label change: a Pool's announcement.nodeSelector decides which nodes' forwarders may
   * own its VIPs. A new node changes nothing until its forwarder connects (which wakes every
   * LoadBalancer), so adds only fill the cache; status heartbeats are not label changes.
   */
  static InformerEventSource<Node, LoadBalancer> nodes(EventSourceContext<LoadBalancer> context) {
    var config =
        InformerEventSourceConfiguration.from(Node.class, LoadBalancer.class)
            .withName(NODES)
            .withItemStore(WithoutManagedFields.store())
            .withSecondaryToPrimaryMapper(
                node -> matching(context.getPrimaryCache().list(), spec -> true))
            .withOnUpdateFilter(
                (newNode, oldNode) ->
                    !Objects.equals(
                        newNode.getMetadata().getLabels(), oldNode.getMetadata().getLabels()))
            .withOnAddFilter(node -> false)
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** HealthProbes, by spec change, mapped to the LoadBalancers that name them. */
  static InformerEventSource<HealthProbe, LoadBalancer> healthProbes(
      EventSourceContext<LoadBalancer> context) {
    var config =
        InformerEventSourceConfiguration.from(HealthProbe.class, LoadBalancer.class)
            .withName(HEALTH_PROBES)
            .withSecondaryToPrimaryMapper(
                probe ->
                    LoadBalancerIndexes.lookUp(
                        context.getPrimaryCache(),
                        LoadBalancerIndexes.BY_HEALTH_PROBE,
                        LoadBalancerIndexes.key(
                            probe.getMetadata().getNamespace(), probe.getMetadata().getName())))
            .withOnUpdateFilter(SpecChanged.FILTER)
            .build();
    return new InformerEventSource<>(config, context);
  }

  /** The LoadBalancers of {@code candidates} whose spec passes {@code test}. */
  private static Set<ResourceID> matching(
      Stream<LoadBalancer> candidates, Predicate<LoadBalancerSpec> test) {
    return candidates
        .filter(lb -> lb.getSpec() != null && test.test(lb.getSpec()))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
