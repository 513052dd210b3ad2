package io.gatun.operator.reconciler;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.control.v1.Backend;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The endpoints of a Service's EndpointSlices.
 *
 * <p>An endpoint takes traffic when its {@code conditions.ready} is true or unset (the API says
 * unset means ready). Its port for a LoadBalancer port is, in order: the LoadBalancer port's
 * explicit {@code targetPort}; the port of its slice with the same name and protocol (so ports line
 * up by name, as a Service's named targetPort does); the LoadBalancer port itself.
 */
final class EndpointSliceBackends implements BackendSet {

  private record Member(IpAddress address, boolean ready, List<EndpointPort> ports) {}

  private final String service;
  private final Map<IpAddress, Member> members = new LinkedHashMap<>();

  EndpointSliceBackends(String service, List<EndpointSlice> slices) {
    this.service = service;
    for (EndpointSlice slice : slices) {
      if (!"IPv4".equals(slice.getAddressType()) && !"IPv6".equals(slice.getAddressType())) {
        continue; // FQDN slices name hosts, not addresses
      }
      List<EndpointPort> ports = slice.getPorts() == null ? List.of() : slice.getPorts();
      for (Endpoint endpoint :
          slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        firstAddress(endpoint)
            .ifPresent(
                address -> {
                  var member = new Member(address, isReady(endpoint), ports);
                  // The same endpoint may sit in two slices while they are rebalanced.
                  members.merge(address, member, (a, b) -> a.ready() ? a : b);
                });
      }
    }
  }

  @Override
  public BackendCounts counts() {
    int ready = (int) members.values().stream().filter(Member::ready).count();
    return new BackendCounts(ready, members.size());
  }

  @Override
  public List<Backend> forPort(LoadBalancerPort port, IpFamily family) {
    var backends = new ArrayList<Backend>();
    for (Member member : members.values()) {
      if (member.ready() && member.address().family() == family) {
        backends.add(
            Backend.newBuilder()
                .setAddress(member.address().toString())
                .setPort(backendPort(port, member.ports()))
                .setWeight(1)
                .build());
      }
    }
    return backends.stream().sorted(ORDER).distinct().toList();
  }

  @Override
  public String whyNoneHealthy() {
    return members.isEmpty()
        ? "Service " + service + " has no endpoints"
        : "none of the " + members.size() + " endpoints of Service " + service + " is ready";
  }

  private static int backendPort(LoadBalancerPort port, List<EndpointPort> slicePorts) {
    if (port.targetPort() != null) {
      return port.targetPort();
    }
    return slicePorts.stream()
        .filter(p -> Objects.equals(p.getName(), port.name()) && p.getPort() != null)
        .filter(
            p -> p.getProtocol() == null || p.getProtocol().equals(port.protocolOrDefault().name()))
        .map(EndpointPort::getPort)
        .findFirst()
        .orElse(port.port());
  }

  private static boolean isReady(Endpoint endpoint) {
    return endpoint.getConditions() == null
        || endpoint.getConditions().getReady() == null
        || endpoint.getConditions().getReady();
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
