package io.gatun.operator.forwarderset;

import io.gatun.operator.api.ApiGroup;
import io.gatun.operator.api.ForwarderSet;
import java.util.Map;

/** The labels that tie a DaemonSet, its pods and its ConfigMap to their ForwarderSet. */
final class ForwarderSetLabels {

  /** On everything rendered from a ForwarderSet: its name (the pods' selector). */
  static final String FORWARDER_SET = ApiGroup.GROUP + "/forwarderset";

  private ForwarderSetLabels() {}

  static Map<String, String> selector(ForwarderSet set) {
    return Map.of(FORWARDER_SET, set.getMetadata().getName());
  }

  static Map<String, String> of(ForwarderSet set) {
    return Map.of(
        FORWARDER_SET,
        set.getMetadata().getName(),
        "app.kubernetes.io/name",
        "gatun-forwarder",
        "app.kubernetes.io/instance",
        set.getMetadata().getName(),
        "app.kubernetes.io/managed-by",
        "gatun-operator");
  }

  /** The ConfigMap with each node's data address. */
  static String addressesName(ForwarderSet set) {
    return set.getMetadata().getName() + "-data-addresses";
  }
}
