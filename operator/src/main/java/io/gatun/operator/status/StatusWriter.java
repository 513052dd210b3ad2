package io.gatun.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes a whole new status when, and only when, it differs from the observed one.
 *
 * <p>The patch is a server-side apply of the status alone, with optimistic locking, and the result
 * is cached for the next reconcile. That matters because {@code status.addresses} is state (IPAM is
 * rebuilt from it) and because events are derived from condition transitions: a reconcile must not
 * see its own previous status as still pending.
 */
public final class StatusWriter<P extends CustomResource<?, S>, S> {

  private final Supplier<P> emptyResource;

  public StatusWriter(Supplier<P> emptyResource) {
    this.emptyResource = emptyResource;
  }

  /** Returns whether a patch was sent. */
  public boolean writeIfChanged(P observed, S desired, Context<P> context) {
    if (Objects.equals(observed.getStatus(), desired)) {
      return false;
    }
    P fresh = emptyResource.get();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(observed.getMetadata().getName())
            .withNamespace(observed.getMetadata().getNamespace())
            .build());
    fresh.setStatus(desired);
    PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(observed, fresh, context);
    return true;
  }
}
