/**
 * The Forwarder resource: one per forwarder that ever connected, created and kept by the operator
 * from what the fleet knows, so {@code kubectl get forwarders} shows them (the connections
 * themselves are the control channel's, in {@link io.gatun.operator.control}).
 */
package io.gatun.operator.forwarder;
