package io.gatun.operator.reconciler;

import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.ipam.IpAddress;
import java.util.function.ToIntFunction;

/**
 * A backend candidate, whatever its source: where it is, whether it takes traffic, where it runs
 * and which port it listens on for each LoadBalancer port.
 *
 * @param node the node it runs on; null when unknown (static backends, slices without nodeName)
 */
record BackendCandidate(
    IpAddress address,
    BackendCandidate.State state,
    String node,
    int weight,
    ToIntFunction<LoadBalancerPort> port) {

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
