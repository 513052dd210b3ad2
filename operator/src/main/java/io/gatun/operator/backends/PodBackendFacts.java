package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The fields of a pod that make it a backend or not: a change to anything else is not news. */
public record PodBackendFacts(
    Map<String, String> labels,
    String phase,
    List<String> addresses,
    boolean ready,
    boolean deleting,
    String node,
    int containerPorts) {

  public static PodBackendFacts of(Pod pod) {
    var status = pod.getStatus();
    return new PodBackendFacts(
        LabelSelectors.labelsOf(pod),
        status == null ? null : status.getPhase(),
        status == null || status.getPodIPs() == null
            ? (status == null || status.getPodIP() == null ? List.of() : List.of(status.getPodIP()))
            : status.getPodIPs().stream().map(ip -> ip.getIp()).toList(),
        status != null
            && status.getConditions() != null
            && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())),
        pod.getMetadata().getDeletionTimestamp() != null,
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        pod.getSpec() == null || pod.getSpec().getContainers() == null
            ? 0
            : Objects.hash(pod.getSpec().getContainers().stream().map(c -> c.getPorts()).toList()));
  }
}
