package io.gatun.operator.watch;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;
import java.lang.reflect.InvocationTargetException;

/**
 * JOSDK clones every resource before it hands it to a reconciler (so the reconciler cannot change
 * the informer's cached object), and its default clone writes the whole object as JSON and reads it
 * back. For our custom resources that round trip is wasted on the spec and the status: they are
 * records whose lists are copied into unmodifiable ones ({@code List.copyOf} in each record), so
 * neither the cache's copy nor the clone can change them, and sharing them is safe. Only the
 * metadata can be changed in place (JOSDK adds its finalizer to the clone and compares it with the
 * original), so it alone is copied. While 3,000 LoadBalancers were created that JSON round trip was
 * 15 % of the reconcile threads' samples (JFR, bench/controlplane.sh 3000).
 *
 * <p>Anything else — core resources such as Services, or a custom resource whose spec or status is
 * not a record — is cloned as JOSDK does by default.
 */
public final class RecordResourceCloner implements Cloner {

  private final KubernetesSerialization serialization;

  public RecordResourceCloner(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  @Override
  public <R extends HasMetadata> R clone(R resource) {
    if (resource instanceof CustomResource<?, ?> custom && immutable(custom)) {
      return copy(resource, custom);
    }
    return serialization.clone(resource);
  }

  private static boolean immutable(CustomResource<?, ?> resource) {
    return isRecord(resource.getSpec()) && isRecord(resource.getStatus());
  }

  private static boolean isRecord(Object part) {
    return part == null || part.getClass().isRecord();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private <R extends HasMetadata> R copy(R resource, CustomResource<?, ?> custom) {
    CustomResource copy;
    try {
      copy = custom.getClass().getDeclaredConstructor().newInstance();
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      // no public no-argument constructor (Jackson could not read it either): clone as JSON
      return serialization.clone(resource);
    }
    copy.setApiVersion(custom.getApiVersion());
    copy.setKind(custom.getKind());
    copy.setMetadata(
        custom.getMetadata() == null ? null : new ObjectMetaBuilder(custom.getMetadata()).build());
    copy.setSpec(custom.getSpec());
    copy.setStatus(custom.getStatus());
    return (R) copy;
  }
}
