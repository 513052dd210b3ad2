/**
 * BGP announcement (issue 14): FRR speaks BGP and BFD for this forwarder, over the data port's
 * kernel interface (the exception path of {@code forwarder-native/src/kernel.h}), so a forwarder
 * whose port or workers die loses its sessions and its routes with them. The operator's {@code
 * BgpConfig} becomes a {@link io.gatun.forwarder.bgp.BgpPlan} (checked: one bad neighbour or prefix
 * is set aside, named, and the rest runs); {@link io.gatun.forwarder.bgp.Advertising} decides which
 * VIPs may be advertised (port up, workers looping, a healthy backend); {@link
 * io.gatun.forwarder.bgp.FrrConfigRenderer} writes FRR's configuration; {@link
 * io.gatun.forwarder.bgp.FrrDirectory} hands it to this forwarder's own FRR (tools/frr/gatun-frr:
 * the pod's frr container, or the agent's child in tests) through the directory they share, and
 * {@link io.gatun.forwarder.bgp.FrrVty} speaks to its daemons' vty sockets; {@link
 * io.gatun.forwarder.bgp.FrrStatus} reads the sessions back; {@link
 * io.gatun.forwarder.bgp.BgpSpeaker} is the loop that ties them together.
 */
package io.gatun.forwarder.bgp;
