package io.gatun.operator.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JSON patch (RFC 6902) sent as one request through the client's HTTP client. Not fabric8's
 * {@code patch(PatchContext, String)}: that reads the object first (a GET per patch) and parses the
 * patch text again before sending it, work a patch that replaces what it names does not need.
 */
public final class JsonPatch {

  private JsonPatch() {}

  /**
   * Sends {@code patch} to {@code path} (from the API root, e.g. {@code
   * /apis/lb.gatun.io/v1alpha1/namespaces/web/loadbalancers/shop/status}) and returns the object
   * the API server answers with. A failure is a {@link KubernetesClientException} with the answer's
   * code, as fabric8 reports one (JOSDK's retry decides on it).
   */
  public static String send(KubernetesClient client, String path, String patch, Duration timeout) {
    var http = client.getHttpClient();
    var request =
        http.newHttpRequestBuilder()
            .uri(client.getMasterUrl().toString().replaceAll("/+$", "") + path)
            .patch("application/json-patch+json", patch)
            .build();
    try {
      var response =
          http.sendAsync(request, String.class)
              .get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      if (response.code() < 200 || response.code() >= 300) {
        throw new KubernetesClientException(
            "PATCH " + path + " answered " + response.code() + ": " + response.body(),
            response.code(),
            null);
      }
      return response.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("PATCH " + path + " interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KubernetesClientException("PATCH " + path + " failed: " + e.getMessage(), e);
    }
  }
}
