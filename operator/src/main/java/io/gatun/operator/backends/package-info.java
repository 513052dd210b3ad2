/**
 * A LoadBalancer's backends, whatever their source: the endpoints of a Service's EndpointSlices (in
 * the version the server serves), the pods a label selector picks, or static ones. {@link
 * io.gatun.operator.backends.BackendSet} says which take traffic; {@link
 * io.gatun.operator.backends.UsableBackends} narrows them to what forwarders can run once the VIPs
 * are known; {@link io.gatun.operator.backends.BackendHealthReport} folds the forwarders' probe
 * verdicts on them. Label selectors are checked and matched here for pools too.
 */
package io.gatun.operator.backends;
