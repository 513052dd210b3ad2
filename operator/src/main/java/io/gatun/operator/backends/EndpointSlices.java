package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;

/**
 * EndpointSlices in whichever version the API server serves.
 *
 * <p>Kubernetes 1.21+ serves {@code discovery.k8s.io/v1}; 1.20 only {@code v1beta1}. The two agree
 * on every field read here (addressType, endpoints[].addresses, endpoints[].conditions.ready,
 * ports), so slices are watched as generic resources of the served version and read as v1.
 */
public final class EndpointSlices {

  private static final String GROUP = "discovery.k8s.io";
  private static final String KIND = "EndpointSlice";

  /** The label tying a slice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private EndpointSlices() {}

  /** Asks API discovery which version to watch. */
  public static GroupVersionKind servedVersion(KubernetesClient client) {
    String version = client.supports(GROUP + "/v1", KIND) ? "v1" : "v1beta1";
    return new GroupVersionKind(GROUP, version, KIND);
  }

  /**
   * A cached slice as v1: read from its maps directly ({@link SliceReader}) when it holds only the
   * fields it is read for, else through Jackson.
   */
  public static EndpointSlice read(
      GenericKubernetesResource slice, KubernetesSerialization serialization) {
    EndpointSlice read = SliceReader.read(slice);
    return read != null ? read : serialization.convertValue(slice, EndpointSlice.class);
  }

  public static String serviceName(GenericKubernetesResource slice) {
    var labels = slice.getMetadata().getLabels();
    return labels == null ? null : labels.get(SERVICE_NAME_LABEL);
  }
}
