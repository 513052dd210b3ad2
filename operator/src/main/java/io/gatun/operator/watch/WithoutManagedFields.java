package io.gatun.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * An informer cache that keeps objects without {@code metadata.managedFields}. The operator reads
 * none of them (statuses go as JSON patches of the status alone), yet each cached LoadBalancer,
 * EndpointSlice or pod carries one entry per field manager, each a tree of maps: at 10,000
 * LoadBalancers they were most of the operator's live heap (jcmd GC.class_histogram: 700,000
 * LinkedHashMaps for 20,000 objects).
 */
public final class WithoutManagedFields {

  private WithoutManagedFields() {}

  public static <R extends HasMetadata> ItemStore<R> store() {
    return new TransformingItemStore<>(
        resource -> {
          if (resource.getMetadata() != null) {
            resource.getMetadata().setManagedFields(null);
          }
          return resource;
        });
  }
}
