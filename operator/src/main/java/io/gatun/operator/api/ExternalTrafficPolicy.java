package io.gatun.operator.api;

/** Which endpoints a forwarder sends traffic to, as a Service's spec.externalTrafficPolicy. */
public enum ExternalTrafficPolicy {
  /** Every ready endpoint, wherever it runs. */
  Cluster,
  /** Only the endpoints on the forwarder's own node. */
  Local
}
