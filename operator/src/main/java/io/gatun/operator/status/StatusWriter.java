package io.gatun.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Objects;

/**
 * Writes a whole new status when, and only when, it differs from the observed one.
 *
 * <p>The patch is a JSON patch that replaces the status whole (so removed fields are removed), and
 * the result is cached for the next reconcile. Only the status is serialized: computing the patch
 * as a difference between the observed resource and the changed one serialized both whole, and with
 * the difference itself it took half of the operator's reconcile time at 10,000 LoadBalancers
 * (JFR). That matters because {@code status.addresses} is state (IPAM is rebuilt from it) and
 * because events are derived from condition transitions: a reconcile must not see its own previous
 * status as still pending. A JSON patch costs the API server noticeably less than a server-side
 * apply, which at ten thousand LoadBalancers is the difference that counts.
 *
 * <p>The patch goes out as one plain request ({@link JsonPatch}), its answer cached as JOSDK's
 * {@code PrimaryUpdateAndCacheUtils} would: that utility clones the resource it is handed and
 * fabric8 parses the patch text again before sending it, 3.4 % of the operator's CPU while 10,000
 * LoadBalancers were created (JFR, BENCHMARKS.md), for a patch that needs neither (it replaces the
 * status whatever the resource's version, so it has no conflict to retry either).
 *
 * <p>Nothing is written once the operator has begun to stop ({@link WriteGate}).
 */
public final class StatusWriter<P extends CustomResource<?, S>, S> {

  private final WriteGate gate;

  public StatusWriter(WriteGate gate) {
    this.gate = gate;
  }

  /** Returns whether a patch was sent. */
  public boolean writeIfChanged(P observed, S desired, Context<P> context) {
    if (Objects.equals(observed.getStatus(), desired)) {
      return false;
    }
    return gate.ifOpen(() -> write(observed, desired, context));
  }

  private boolean write(P observed, S desired, Context<P> context) {
    KubernetesClient client = context.getClient();
    var serialization = client.getKubernetesSerialization();
    String patch =
        "[{\"op\":\"add\",\"path\":\"/status\",\"value\":" + serialization.asJson(desired) + "}]";
    String body =
        JsonPatch.send(
            client,
            statusPath(observed),
            patch,
            Duration.ofMillis(client.getConfiguration().getRequestTimeout()));
    @SuppressWarnings("unchecked")
    P written = (P) serialization.unmarshal(body, observed.getClass());
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(observed), written, observed);
    return true;
  }

  /** {@code /apis/GROUP/VERSION[/namespaces/NS]/PLURAL/NAME/status}. */
  static String statusPath(CustomResource<?, ?> resource) {
    var type = ResourceDefinitionContext.fromResourceType(resource.getClass());
    var meta = resource.getMetadata();
    return "/apis/"
        + type.getGroup()
        + "/"
        + type.getVersion()
        + (meta.getNamespace() == null ? "" : "/namespaces/" + meta.getNamespace())
        + "/"
        + type.getPlural()
        + "/"
        + meta.getName()
        + "/status";
  }
}
