package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.schema.CrdRules;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;
import java.util.function.Function;

/**
 * The DaemonSet of a ForwarderSet: same name and namespace, owned by it (the garbage collector
 * removes it with its owner), its spec replaced whole when the rendering changes.
 */
final class ForwarderDaemonSet extends CRUDKubernetesDependentResource<DaemonSet, ForwarderSet> {

  private final CrdRules schema = CrdRules.forKind(ForwarderSet.class);
  private final DaemonSetRenderer renderer;
  private final Function<String, FleetKeySecret.Ref> fleetKeys;

  /**
   * @param fleetKeys the fleet key Secret of a namespace, as the reconcile just ensured it
   */
  ForwarderDaemonSet(DaemonSetRenderer renderer, Function<String, FleetKeySecret.Ref> fleetKeys) {
    super(DaemonSet.class);
    this.renderer = renderer;
    this.fleetKeys = fleetKeys;
    configureWith(
        new KubernetesDependentResourceConfigBuilder<DaemonSet>()
            .withUseSSA(false)
            .withKubernetesDependentInformerConfig(
                InformerConfiguration.builder(DaemonSet.class)
                    .withLabelSelector(ForwarderSetLabels.FORWARDER_SET)
                    .build())
            .build());
  }

  @Override
  protected DaemonSet desired(ForwarderSet set, Context<ForwarderSet> context) {
    return renderer.render(
        schema.withDefaults(set), fleetKeys.apply(set.getMetadata().getNamespace()));
  }

  @Override
  protected ResourceID targetSecondaryResourceID(ForwarderSet set, Context<ForwarderSet> context) {
    return ResourceID.fromResource(set);
  }

  /**
   * Up to date when it carries the hash of today's rendering: the API server fills in so many
   * defaults that comparing specs would always differ, and JOSDK's own matcher without server-side
   * apply misses removed fields (a toleration taken out).
   */
  @Override
  public Matcher.Result<DaemonSet> match(
      DaemonSet actual, DaemonSet desired, ForwarderSet set, Context<ForwarderSet> context) {
    return Matcher.Result.computed(
        Objects.equals(renderedHash(actual), renderedHash(desired)), desired);
  }

  static String renderedHash(DaemonSet daemonSet) {
    var annotations = daemonSet.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(DaemonSetRenderer.RENDERED_HASH);
  }
}
