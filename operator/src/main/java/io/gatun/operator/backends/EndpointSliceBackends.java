package io.gatun.operator.backends;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The endpoints of a Service's EndpointSlices.
 *
 * <p>Conditions as the API defines them: {@code ready} unset means ready; {@code serving} unset
 * means as ready; {@code terminating} unset means not terminating. An endpoint's port for a
 * LoadBalancer port is, in order: the LoadBalancer port's explicit {@code targetPort}; the port of
 * its slice with the same name and protocol (so ports line up by name, as a Service's named
 * targetPort does); the slice's only port of that protocol; the LoadBalancer port itself.
 */
final class EndpointSliceBackends {

  private EndpointSliceBackends() {}

  static BackendSet of(String service, List<EndpointSlice> slices) {
    var endpoints = new ArrayList<BackendCandidate>();
    for (EndpointSlice slice : slices) {
      if (!"IPv4".equals(slice.getAddressType()) && !"IPv6".equals(slice.getAddressType())) {
        continue; // FQDN slices name hosts, not addresses
      }
      List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
      for (var endpoint :
          slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        firstAddress(endpoint)
            .ifPresent(
                address ->
                    endpoints.add(
                        new BackendCandidate(
                            address,
                            state(endpoint.getConditions()),
                            node(endpoint),
                            StaticBackend.DEFAULT_WEIGHT,
                            port -> backendPort(port, ports))));
      }
    }
    long total = endpoints.stream().map(BackendCandidate::address).distinct().count();
    return new BackendSet(
        endpoints,
        total == 0
            ? "Service "
                + service
                + " has no endpoints: check that it exists, that its selector matches running"
                + " pods, or that its EndpointSlices list backends"
            : "none of the "
                + total
                + " endpoints of Service "
                + service
                + " is ready: check its pods' readiness");
  }

  static BackendCandidate.State state(EndpointConditions conditions) {
    Boolean ready = conditions == null ? null : conditions.getReady();
    Boolean serving = conditions == null ? null : conditions.getServing();
    Boolean terminating = conditions == null ? null : conditions.getTerminating();
    boolean isReady = ready == null || ready;
    boolean isServing = serving == null ? isReady : serving;
    boolean isTerminating = terminating != null && terminating;
    if (isReady && !isTerminating) {
      return BackendCandidate.State.READY;
    }
    return isServing && isTerminating
        ? BackendCandidate.State.TERMINATING_SERVING
        : BackendCandidate.State.NOT_READY;
  }

  /** v1 has nodeName; v1beta1 (read through the v1 model) may only have topology's hostname. */
  private static String node(Endpoint endpoint) {
    if (endpoint.getNodeName() != null) {
      return endpoint.getNodeName();
    }
    if (endpoint.getAdditionalProperties().get("topology") instanceof Map<?, ?> topology
        && topology.get("kubernetes.io/hostname") instanceof String host) {
      return host;
    }
    return null;
  }

  private static int backendPort(LoadBalancerPort port, List<EndpointPort> slicePorts) {
    if (port.targetPort() != null) {
      return port.targetPort();
    }
    String protocol = port.protocolOrDefault().name();
    var sameProtocol =
        slicePorts.stream()
            .filter(p -> p.getPort() != null)
            .filter(p -> p.getProtocol() == null || p.getProtocol().equals(protocol))
            .toList();
    return sameProtocol.stream()
        .filter(p -> Objects.equals(p.getName(), port.name()))
        .map(EndpointPort::getPort)
        .findFirst()
        .or(
            () ->
                sameProtocol.size() == 1
                    ? Optional.of(sameProtocol.getFirst().getPort())
                    : Optional.empty())
        .orElse(port.port());
  }

  /** Consumers may use only the first address: the others are the same endpoint (API docs). */
  private static Optional<IpAddress> firstAddress(Endpoint endpoint) {
    if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(IpAddress.parse(endpoint.getAddresses().getFirst()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
