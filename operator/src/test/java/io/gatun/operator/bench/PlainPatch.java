package io.gatun.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JSON patch sent as one request. Not fabric8's {@code patch(PatchContext, String)}: that reads
 * the object first (a GET per patch), which neither the EndpointSlice controller nor the operator
 * does, so the benchmark's endpoint changes and its floor would time, and load the API server with,
 * a read that is no part of what they measure.
 */
final class PlainPatch {

  private PlainPatch() {}

  /**
   * Patches the object at {@code path} (from the API root, e.g. {@code
   * /apis/discovery.k8s.io/v1beta1/namespaces/bench/endpointslices/lb-1}).
   */
  static void json(KubernetesClient client, String path, String patch) {
    var http = client.getHttpClient();
    var request =
        http.newHttpRequestBuilder()
            .uri(client.getMasterUrl().toString().replaceAll("/+$", "") + path)
            .patch("application/json-patch+json", patch)
            .build();
    try {
      var response = http.sendAsync(request, String.class).get(60, TimeUnit.SECONDS);
      if (response.code() < 200 || response.code() >= 300) {
        throw new IllegalStateException(
            "PATCH " + path + " answered " + response.code() + ": " + response.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("PATCH " + path + " interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("PATCH " + path + " failed", e);
    }
  }
}
