package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The pods a selector picks. A pod takes traffic when it has an address and its Ready condition is
 * True; a deleted pod still Ready counts as terminating but serving. Each of its addresses (one per
 * family) is a backend. Its port for a LoadBalancer port is the explicit {@code targetPort}, else a
 * container port named like the LoadBalancer port, else the LoadBalancer port itself.
 */
final class PodBackends {

  private PodBackends() {}

  static BackendSet of(LabelSelector selector, List<Pod> pods) {
    var endpoints = new ArrayList<BackendCandidate>();
    int candidates = 0;
    for (Pod pod : pods) {
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        continue; // finished pods are not backends at all
      }
      candidates++;
      BackendCandidate.State state = state(pod);
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      for (IpAddress address : addresses(pod)) {
        endpoints.add(
            new BackendCandidate(
                address,
                state,
                node,
                StaticBackend.DEFAULT_WEIGHT,
                port -> backendPort(port, pod)));
      }
    }
    String selected = LabelSelectors.describe(selector);
    return new BackendSet(
        endpoints,
        candidates == 0
            ? "no running pod matches the selector "
                + selected
                + ": check spec.backends.selector against the pods' labels"
            : "none of the "
                + candidates
                + " pods matching "
                + selected
                + " is ready (or they have no IP yet): check the pods (kubectl get pods -l "
                + selected
                + ")");
  }

  private static BackendCandidate.State state(Pod pod) {
    boolean ready =
        pod.getStatus() != null
            && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    if (!ready) {
      return BackendCandidate.State.NOT_READY;
    }
    return pod.getMetadata().getDeletionTimestamp() == null
        ? BackendCandidate.State.READY
        : BackendCandidate.State.TERMINATING_SERVING;
  }

  private static List<IpAddress> addresses(Pod pod) {
    if (pod.getStatus() == null) {
      return List.of();
    }
    List<String> texts =
        pod.getStatus().getPodIPs() != null && !pod.getStatus().getPodIPs().isEmpty()
            ? pod.getStatus().getPodIPs().stream().map(PodIP::getIp).toList()
            : pod.getStatus().getPodIP() == null ? List.of() : List.of(pod.getStatus().getPodIP());
    var addresses = new ArrayList<IpAddress>();
    for (String text : texts) {
      try {
        addresses.add(IpAddress.parse(text));
      } catch (IllegalArgumentException e) {
        // not an address this operator can route to; the pod is simply not a backend
      }
    }
    return addresses;
  }

  private static int backendPort(LoadBalancerPort port, Pod pod) {
    if (port.targetPort() != null) {
      return port.targetPort();
    }
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      for (var container : pod.getSpec().getContainers()) {
        for (ContainerPort containerPort :
            container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
          if (Objects.equals(containerPort.getName(), port.name())
              && containerPort.getContainerPort() != null) {
            return containerPort.getContainerPort();
          }
        }
      }
    }
    return port.port();
  }
}
