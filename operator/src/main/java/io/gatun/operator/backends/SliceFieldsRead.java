package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An EndpointSlice cut down to what the operator reads of it ({@link EndpointSliceBackends}, the
 * service-name label), for the informer cache to hold. Slices are cached as generic resources (the
 * served version decides their shape), so every field is a map entry, and most of what the
 * EndpointSlice controller writes is never read here: each endpoint's targetRef (kind, namespace,
 * name, uid), zone, hints and hostname, and the slice's annotations and owner reference. At 10,000
 * Services those are tens of MiB of the operator's live heap, replaced on every endpoint change.
 */
public final class SliceFieldsRead {

  /** The slice's own fields {@link EndpointSliceBackends} reads. */
  private static final Set<String> SLICE_FIELDS = Set.of("addressType", "endpoints", "ports");

  /** Of each endpoint: its addresses, readiness and node (v1 nodeName, v1beta1 topology). */
  private static final Set<String> ENDPOINT_FIELDS = Set.of("addresses", "conditions", "nodeName");

  /** v1beta1's topology: only the node is read; the zone and region labels are not. */
  private static final String HOSTNAME = "kubernetes.io/hostname";

  private SliceFieldsRead() {}

  /** Cuts {@code slice} in place and returns it. */
  public static GenericKubernetesResource keep(GenericKubernetesResource slice) {
    var meta = slice.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      // Empty rather than null: JOSDK's informer looks up its own annotation in every object.
      meta.setAnnotations(Map.of());
      meta.setOwnerReferences(List.of());
    }
    Map<String, Object> fields = slice.getAdditionalProperties();
    fields.keySet().retainAll(SLICE_FIELDS);
    if (fields.get("endpoints") instanceof List<?> endpoints) {
      for (Object endpoint : endpoints) {
        if (endpoint instanceof Map<?, ?> map) {
          keepEndpoint(map);
        }
      }
    }
    return slice;
  }

  private static void keepEndpoint(Map<?, ?> endpoint) {
    Object topology = endpoint.get("topology");
    endpoint.keySet().retainAll(ENDPOINT_FIELDS);
    if (topology instanceof Map<?, ?> labels && labels.get(HOSTNAME) instanceof String host) {
      var kept = new LinkedHashMap<String, Object>(2);
      kept.put(HOSTNAME, host);
      @SuppressWarnings("unchecked")
      var writable = (Map<String, Object>) endpoint;
      writable.put("topology", kept);
    }
  }
}
