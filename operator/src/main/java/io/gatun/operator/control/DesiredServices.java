package io.gatun.operator.control;

import com.google.protobuf.ProtocolMessageEnum;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.VirtualService;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one LoadBalancer asks the forwarders to run.
 *
 * @param services its virtual services, with every backend
 * @param requires the forwarder capabilities they need (NAT, IPV6, ...); a forwarder that
 *     advertises capabilities but not all of these does not get them
 * @param nodeLocal externalTrafficPolicy Local: each forwarder gets only the backends on its node
 * @param backendNodes backend address to the node it runs on (consulted when {@code nodeLocal})
 * @param fleet its share of the fleet's L2 configuration; null outside an L2 Pool
 * @param pool the Pool its VIPs come from (null when unknown): a BGP Pool's VIPs are advertised
 */
public record DesiredServices(
    List<VirtualService> services,
    Set<ProtocolMessageEnum> requires,
    boolean nodeLocal,
    Map<String, String> backendNodes,
    FleetShare fleet,
    String pool) {

  public DesiredServices {
    services = List.copyOf(services);
    requires = Set.copyOf(requires);
    backendNodes = Map.copyOf(backendNodes);
  }

  public DesiredServices(
      List<VirtualService> services,
      Set<ProtocolMessageEnum> requires,
      boolean nodeLocal,
      Map<String, String> backendNodes) {
    this(services, requires, nodeLocal, backendNodes, null, null);
  }

  public static DesiredServices of(List<VirtualService> services) {
    return new DesiredServices(services, Set.of(), false, Map.of());
  }

  public DesiredServices withFleet(FleetShare share) {
    return new DesiredServices(services, requires, nodeLocal, backendNodes, share, pool);
  }

  /** The nodes its serving (not draining) backends run on, as far as known. */
  public Set<String> servingNodes() {
    var nodes = new java.util.TreeSet<String>();
    for (VirtualService service : services) {
      for (Backend backend : service.getBackendsList()) {
        String node = backendNodes.get(backend.getAddress());
        if (node != null && !backend.getDraining()) {
          nodes.add(node);
        }
      }
    }
    return nodes;
  }

  /**
   * The services as {@code forwarder} must run them: with node-local traffic only its node's
   * backends, and without draining backends for a forwarder that cannot drain (it would take them
   * for serving ones; without them it cuts their connections at once, as before draining).
   */
  List<VirtualService> forForwarder(ForwarderView forwarder) {
    if (!forwarder.offers(requires)) {
      return List.of();
    }
    boolean drains = forwarder.offers(Set.of(Feature.DRAINING));
    if (!nodeLocal && (drains || services.stream().noneMatch(DesiredServices::hasDraining))) {
      return services;
    }
    return services.stream()
        .map(
            service ->
                service.toBuilder()
                    .clearBackends()
                    .addAllBackends(
                        service.getBackendsList().stream()
                            .filter(b -> !nodeLocal || onNode(b, forwarder.node()))
                            .filter(b -> drains || !b.getDraining())
                            .toList())
                    .build())
        .toList();
  }

  /** The same services, their VIPs taken from {@code pool}. */
  public DesiredServices fromPool(String pool) {
    return new DesiredServices(services, requires, nodeLocal, backendNodes, fleet, pool);
  }

  /**
   * Whether {@code forwarder}'s node has a backend of {@code service} that can take new connections
   * (externalTrafficPolicy Local: only such a forwarder may attract the VIP's traffic).
   */
  boolean servesLocally(VirtualService service, String node) {
    return service.getBackendsList().stream()
        .anyMatch(b -> !b.getDraining() && node.equals(backendNodes.get(b.getAddress())));
  }

  private static boolean hasDraining(VirtualService service) {
    return service.getBackendsList().stream().anyMatch(Backend::getDraining);
  }

  private boolean onNode(Backend backend, String node) {
    return node.equals(backendNodes.get(backend.getAddress()));
  }
}
