package io.gatun.operator.backends;

import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.ipam.IpAddress;
import java.util.function.ToIntFunction;

/**
 * A backend candidate, whatever its source: where it is, whether it takes traffic, where it runs
 * and which port it listens on for each LoadBalancer port.
 *
 * <p>A backend is its address and, when it has one, its own port: two static backends on one
 * address with different ports are two backends. Without a port of its own (an endpoint, a pod) the
 * address alone is the backend, as Kubernetes names endpoints.
 *
 * @param node the node it runs on; null when unknown (static backends, slices without nodeName)
 * @param ownPort the port it listens on for every LoadBalancer port; null when that depends on the
 *     LoadBalancer port
 * @param portFor its port for a LoadBalancer port when it has no port of its own
 */
record BackendCandidate(
    IpAddress address,
    BackendCandidate.State state,
    String node,
    int weight,
    Integer ownPort,
    ToIntFunction<LoadBalancerPort> portFor) {

  /** A backend whose port depends on the LoadBalancer port (endpoints, pods). */
  BackendCandidate(
      IpAddress address,
      BackendCandidate.State state,
      String node,
      int weight,
      ToIntFunction<LoadBalancerPort> portFor) {
    this(address, state, node, weight, null, portFor);
  }

  /** The port traffic to {@code port} reaches this backend on. */
  int port(LoadBalancerPort port) {
    return ownPort != null ? ownPort : portFor.applyAsInt(port);
  }

  /** What makes two candidates the same backend. */
  Identity identity() {
    return new Identity(address, ownPort);
  }

  record Identity(IpAddress address, Integer ownPort) {}

  /** Whether a failing probe verdict on {@code port} of its address is about this backend. */
  boolean probedOn(int port) {
    return ownPort == null || ownPort == port;
  }

  /** Kubernetes endpoint conditions, folded. */
  enum State {
    /** Ready: takes new traffic. */
    READY,
    /** Terminating but still serving: takes traffic only when no endpoint is ready. */
    TERMINATING_SERVING,
    /** Takes no traffic. */
    NOT_READY
  }
}
