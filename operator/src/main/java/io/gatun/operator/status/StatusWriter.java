package io.gatun.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;

/**
 * Writes a whole new status when, and only when, it differs from the observed one.
 *
 * <p>The patch is a JSON patch of the status alone, computed against the observed resource (so
 * removed fields are removed), and the result is cached for the next reconcile. That matters
 * because {@code status.addresses} is state (IPAM is rebuilt from it) and because events are
 * derived from condition transitions: a reconcile must not see its own previous status as still
 * pending. A JSON patch costs the API server noticeably less than a server-side apply, which at ten
 * thousand LoadBalancers is the difference that counts.
 */
public final class StatusWriter<P extends CustomResource<?, S>, S> {

  /** Returns whether a patch was sent. */
  public boolean writeIfChanged(P observed, S desired, Context<P> context) {
    if (Objects.equals(observed.getStatus(), desired)) {
      return false;
    }
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
        observed,
        context,
        resource -> {
          resource.setStatus(desired);
          return resource;
        });
    return true;
  }
}
