package io.gatun.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.status.JsonPatch;
import java.time.Duration;

/**
 * A JSON patch sent as one request ({@link JsonPatch}), as the EndpointSlice controller and the
 * operator write: fabric8's {@code patch(PatchContext, String)} reads the object first (a GET per
 * patch), so the benchmark's endpoint changes and its floor would time, and load the API server
 * with, a read that is no part of what they measure.
 */
final class PlainPatch {

  private PlainPatch() {}

  /**
   * Patches the object at {@code path} (from the API root, e.g. {@code
   * /apis/discovery.k8s.io/v1beta1/namespaces/bench/endpointslices/lb-1}).
   */
  static void json(KubernetesClient client, String path, String patch) {
    JsonPatch.send(client, path, patch, Duration.ofSeconds(60));
  }
}
