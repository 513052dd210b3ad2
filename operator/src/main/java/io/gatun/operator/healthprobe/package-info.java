/**
 * The HealthProbe: its reconciler (valid or not, and which LoadBalancers use it), its validator,
 * which LoadBalancer names which probe ({@link io.gatun.operator.healthprobe.HealthProbeUsers},
 * kept by the LoadBalancer reconciler), and a probe as the control channel carries it to the
 * forwarders ({@link io.gatun.operator.healthprobe.HealthChecks}).
 */
package io.gatun.operator.healthprobe;
