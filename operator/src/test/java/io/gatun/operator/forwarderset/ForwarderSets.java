package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gatun.operator.api.ControlChannelRef;
import io.gatun.operator.api.DataPort;
import io.gatun.operator.api.Eal;
import io.gatun.operator.api.ForwarderResources;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetSpec;
import io.gatun.operator.api.Hugepages;
import io.gatun.operator.api.VirtualFunction;
import io.gatun.operator.schema.CrdRules;
import java.util.List;
import java.util.Map;

/** ForwarderSets for the tests, with the CRD's defaults applied as the API server would. */
final class ForwarderSets {

  static final CrdRules SCHEMA = CrdRules.forKind(ForwarderSet.class);

  private ForwarderSets() {}

  static ForwarderSetSpec onInterface(String iface) {
    return spec(new DataPort(iface, null, Map.of("node-1", List.of("198.18.0.2/24"))));
  }

  static ForwarderSetSpec onVirtualFunction(String resource) {
    return spec(
        new DataPort(
            null, new VirtualFunction(resource), Map.of("node-1", List.of("198.18.0.2/24"))));
  }

  static ForwarderSetSpec spec(DataPort port) {
    return new ForwarderSetSpec(
        null, null, port, null, null, null, null, null, null, null, null, null);
  }

  static ForwarderSetSpec withHugepages(ForwarderSetSpec s, Hugepages hugepages) {
    return new ForwarderSetSpec(
        s.image(),
        s.imagePullPolicy(),
        s.dataPort(),
        hugepages,
        s.eal(),
        s.resources(),
        s.controlChannel(),
        s.nodeSelector(),
        s.tolerations(),
        s.priorityClassName(),
        s.serviceAccountName(),
        s.metricsPort());
  }

  static ForwarderSetSpec withEal(ForwarderSetSpec s, Eal eal) {
    return new ForwarderSetSpec(
        s.image(),
        s.imagePullPolicy(),
        s.dataPort(),
        s.hugepages(),
        eal,
        s.resources(),
        s.controlChannel(),
        s.nodeSelector(),
        s.tolerations(),
        s.priorityClassName(),
        s.serviceAccountName(),
        s.metricsPort());
  }

  static ForwarderSetSpec withResources(ForwarderSetSpec s, ForwarderResources resources) {
    return new ForwarderSetSpec(
        s.image(),
        s.imagePullPolicy(),
        s.dataPort(),
        s.hugepages(),
        s.eal(),
        resources,
        s.controlChannel(),
        s.nodeSelector(),
        s.tolerations(),
        s.priorityClassName(),
        s.serviceAccountName(),
        s.metricsPort());
  }

  static ForwarderSetSpec withControlChannel(ForwarderSetSpec s, ControlChannelRef channel) {
    return new ForwarderSetSpec(
        s.image(),
        s.imagePullPolicy(),
        s.dataPort(),
        s.hugepages(),
        s.eal(),
        s.resources(),
        channel,
        s.nodeSelector(),
        s.tolerations(),
        s.priorityClassName(),
        s.serviceAccountName(),
        s.metricsPort());
  }

  /** As stored: named, in gatun-system, with a uid and the schema's defaults. */
  static ForwarderSet stored(ForwarderSetSpec spec) {
    var set = new ForwarderSet();
    set.setMetadata(
        new ObjectMetaBuilder()
            .withName("fwd")
            .withNamespace("gatun-system")
            .withUid("0b2f6c1e-1111-2222-3333-444455556666")
            .withGeneration(1L)
            .build());
    set.setSpec(spec);
    return SCHEMA.withDefaults(set);
  }
}
