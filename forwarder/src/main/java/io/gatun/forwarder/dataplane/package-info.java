/**
 * The seam to the DPDK bindings: {@link io.gatun.forwarder.dataplane.DataPlaneControl} is all the
 * agent needs of the data plane (so everything above it is testable without DPDK), {@link
 * io.gatun.forwarder.dataplane.DataPlaneAdapter} is the real one, and {@link
 * io.gatun.forwarder.dataplane.WorkerWatch} tells a stuck worker from a busy one.
 */
package io.gatun.forwarder.dataplane;
