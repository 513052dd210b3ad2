package io.gatun.fwd;

import java.net.InetAddress;

/**
 * Traffic of one backend of a service; see {@link ServiceStats}.
 *
 * @param draining committed as draining: its {@code activeFlows} going down is its connections
 *     ending
 */
public record BackendStats(
    InetAddress address,
    int port,
    long packets,
    long bytes,
    long newFlows,
    long activeFlows,
    boolean draining) {
  /** A serving backend's traffic. */
  public BackendStats(
      InetAddress address, int port, long packets, long bytes, long newFlows, long activeFlows) {
    this(address, port, packets, bytes, newFlows, activeFlows, false);
  }
}
