package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.gatun.operator.api.ForwarderSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Each node's data address, one file per node ({@code spec.dataPort.addresses}), which the agent
 * reads at start. Kept out of the pod template so that adding a node does not roll every forwarder;
 * a changed address applies when that node's pod restarts.
 */
final class DataAddressesConfigMap
    extends CRUDKubernetesDependentResource<ConfigMap, ForwarderSet> {

  DataAddressesConfigMap() {
    super(ConfigMap.class);
    configureWith(
        new KubernetesDependentResourceConfigBuilder<ConfigMap>()
            .withUseSSA(false)
            .withKubernetesDependentInformerConfig(
                InformerConfiguration.builder(ConfigMap.class)
                    .withLabelSelector(ForwarderSetLabels.FORWARDER_SET)
                    .build())
            .build());
  }

  @Override
  protected ConfigMap desired(ForwarderSet set, Context<ForwarderSet> context) {
    var data = new TreeMap<String, String>();
    set.getSpec()
        .dataPort()
        .addresses()
        .forEach((node, addresses) -> data.put(node, String.join("\n", addresses) + "\n"));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(ForwarderSetLabels.addressesName(set))
        .withNamespace(set.getMetadata().getNamespace())
        .withLabels(ForwarderSetLabels.of(set))
        .withOwnerReferences(DaemonSetRenderer.ownedBy(set))
        .endMetadata()
        .withData(data)
        .build();
  }

  @Override
  protected ResourceID targetSecondaryResourceID(ForwarderSet set, Context<ForwarderSet> context) {
    return new ResourceID(ForwarderSetLabels.addressesName(set), set.getMetadata().getNamespace());
  }

  /** Exactly the addresses asked for: JOSDK's matcher would keep a node that was removed. */
  @Override
  public Matcher.Result<ConfigMap> match(
      ConfigMap actual, ConfigMap desired, ForwarderSet set, Context<ForwarderSet> context) {
    return Matcher.Result.computed(
        Objects.equals(
            actual.getData() == null ? new TreeMap<>() : new TreeMap<>(actual.getData()),
            desired.getData()),
        desired);
  }
}
