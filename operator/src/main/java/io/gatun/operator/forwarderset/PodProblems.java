package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.gatun.operator.api.ForwarderProblem;
import io.gatun.operator.api.ForwarderSetSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a forwarder pod does not run, read from what the scheduler, the kubelet and the agent wrote
 * on it: no hugepages or no VF on its node (the scheduler's "Insufficient ..." or the kubelet's
 * "OutOf..." admission), or a port that failed to start (the agent's termination message).
 */
final class PodProblems {

  static final String INSUFFICIENT_HUGEPAGES = "InsufficientHugepages";
  static final String NO_VIRTUAL_FUNCTION = "NoVirtualFunction";
  static final String UNSCHEDULABLE = "Unschedulable";
  static final String PORT_FAILED = "PortFailed";
  static final String CONTAINER_FAILED = "ContainerFailed";

  /** Kubelet waiting reasons that are only a pod on its way up. */
  private static final List<String> STARTING = List.of("ContainerCreating", "PodInitializing");

  private static final int MESSAGE_LIMIT = 400;

  private PodProblems() {}

  /** One problem per pod that has one, by node then pod. */
  static List<ForwarderProblem> of(List<Pod> pods, ForwarderSetSpec spec) {
    return pods.stream()
        .map(pod -> of(pod, spec))
        .flatMap(Optional::stream)
        .sorted(
            Comparator.comparing((ForwarderProblem p) -> Objects.toString(p.node(), ""))
                .thenComparing(ForwarderProblem::pod))
        .toList();
  }

  static Optional<ForwarderProblem> of(Pod pod, ForwarderSetSpec spec) {
    if (pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    String node = nodeOf(pod);
    String name = pod.getMetadata().getName();
    String hugepages = "hugepages-" + spec.hugepages().pageSize();
    String vf =
        spec.dataPort().virtualFunction() == null
            ? null
            : spec.dataPort().virtualFunction().resourceName();

    // The kubelet refused it at admission: phase Failed, reason OutOf<resource>.
    String podReason = pod.getStatus().getReason();
    if ("Failed".equals(pod.getStatus().getPhase()) && podReason != null) {
      return Optional.of(
          new ForwarderProblem(
              node,
              name,
              resourceReason(podReason, hugepages, vf, PORT_FAILED),
              advice(
                  node,
                  podReason + ": " + Objects.toString(pod.getStatus().getMessage(), ""),
                  spec,
                  resourceReason(podReason, hugepages, vf, PORT_FAILED))));
    }
    Optional<PodCondition> unscheduled =
        conditions(pod).stream()
            .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
            .findFirst();
    if (unscheduled.isPresent()) {
      String message = Objects.toString(unscheduled.get().getMessage(), "");
      String reason = resourceReason(message, hugepages, vf, UNSCHEDULABLE);
      return Optional.of(
          new ForwarderProblem(node, name, reason, advice(node, message, spec, reason)));
    }
    for (ContainerStatus container : containers(pod)) {
      // The frr container beside the agent: its failures are FRR's, not the data port's.
      boolean frr = DaemonSetRenderer.FRR_CONTAINER.equals(container.getName());
      String who = frr ? "FRR (container frr)" : "the forwarder";
      var terminated =
          container.getLastState() == null ? null : container.getLastState().getTerminated();
      if (container.getState() != null && container.getState().getTerminated() != null) {
        terminated = container.getState().getTerminated();
      }
      if (terminated != null
          && terminated.getExitCode() != null
          && terminated.getExitCode() != 0
          && !Boolean.TRUE.equals(container.getReady())) {
        String said = Objects.toString(terminated.getMessage(), "").strip();
        return Optional.of(
            new ForwarderProblem(
                node,
                name,
                frr ? CONTAINER_FAILED : PORT_FAILED,
                who
                    + " on "
                    + where(node)
                    + " exited ("
                    + terminated.getExitCode()
                    + ", restarted "
                    + container.getRestartCount()
                    + " times): "
                    + truncate(said.isEmpty() ? "it gave no reason" : said)));
      }
      var waiting = container.getState() == null ? null : container.getState().getWaiting();
      if (waiting != null
          && waiting.getReason() != null
          && !STARTING.contains(waiting.getReason())) {
        return Optional.of(
            new ForwarderProblem(
                node,
                name,
                CONTAINER_FAILED,
                who
                    + " on "
                    + where(node)
                    + " cannot start: "
                    + waiting.getReason()
                    + (waiting.getMessage() == null ? "" : ": " + truncate(waiting.getMessage()))
                    + (frr
                        ? " (check the operator's --frr-image)"
                        : " (check spec.image and spec.controlChannel.tlsSecret)")));
      }
    }
    return Optional.empty();
  }

  private static String resourceReason(String said, String hugepages, String vf, String otherwise) {
    if (said.contains(hugepages) || said.contains("hugepages-")) {
      return INSUFFICIENT_HUGEPAGES;
    }
    if (vf != null && said.contains(vf)) {
      return NO_VIRTUAL_FUNCTION;
    }
    return otherwise;
  }

  private static String advice(String node, String said, ForwarderSetSpec spec, String reason) {
    String fix =
        switch (reason) {
          case INSUFFICIENT_HUGEPAGES ->
              "the node has fewer free hugepages-"
                  + spec.hugepages().pageSize()
                  + " than spec.hugepages.amount ("
                  + spec.hugepages().amount()
                  + "): reserve more on the node (vm.nr_hugepages, then restart the kubelet) or"
                  + " lower spec.hugepages.amount";
          case NO_VIRTUAL_FUNCTION ->
              "no free "
                  + spec.dataPort().virtualFunction().resourceName()
                  + " on the node: check the SR-IOV device plugin's pool there, or keep the"
                  + " node out with spec.nodeSelector";
          default -> "see the pod's events";
        };
    return "the forwarder on " + where(node) + " cannot run: " + truncate(said) + "; " + fix;
  }

  /** A DaemonSet pod names its node in its node affinity before it is bound. */
  static String nodeOf(Pod pod) {
    if (pod.getSpec() == null) {
      return null;
    }
    if (pod.getSpec().getNodeName() != null) {
      return pod.getSpec().getNodeName();
    }
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return null;
    }
    return affinity
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .stream()
        .flatMap(
            term ->
                term.getMatchFields() == null
                    ? java.util.stream.Stream.<NodeSelectorRequirement>empty()
                    : term.getMatchFields().stream())
        .filter(field -> "metadata.name".equals(field.getKey()))
        .map(NodeSelectorRequirement::getValues)
        .filter(values -> values != null && values.size() == 1)
        .map(List::getFirst)
        .findFirst()
        .orElse(null);
  }

  private static String where(String node) {
    return node == null ? "an unknown node" : "node " + node;
  }

  private static List<PodCondition> conditions(Pod pod) {
    return pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
  }

  private static List<ContainerStatus> containers(Pod pod) {
    return pod.getStatus().getContainerStatuses() == null
        ? List.of()
        : pod.getStatus().getContainerStatuses();
  }

  private static String truncate(String text) {
    String line = text.strip().replaceAll("\\s*\\n\\s*", " / ");
    return line.length() <= MESSAGE_LIMIT ? line : line.substring(0, MESSAGE_LIMIT) + "...";
  }
}
