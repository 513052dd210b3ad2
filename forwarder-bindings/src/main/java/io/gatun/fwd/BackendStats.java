package io.gatun.fwd;

import java.net.InetAddress;

/**
 * Traffic of one backend of a service; see {@link ServiceStats}.
 *
 * @param draining committed as draining: its {@code activeFlows} going down is its connections
 *     ending
 * @param passive how it answered new connections (passive health)
 */
public record BackendStats(
    InetAddress address,
    int port,
    long packets,
    long bytes,
    long newFlows,
    long activeFlows,
    boolean draining,
    PassiveCounters passive) {
  /** A serving backend's traffic. */
  public BackendStats(
      InetAddress address, int port, long packets, long bytes, long newFlows, long activeFlows) {
    this(address, port, packets, bytes, newFlows, activeFlows, false);
  }

  /** A backend's traffic without passive health counts. */
  public BackendStats(
      InetAddress address,
      int port,
      long packets,
      long bytes,
      long newFlows,
      long activeFlows,
      boolean draining) {
    this(address, port, packets, bytes, newFlows, activeFlows, draining, PassiveCounters.NONE);
  }
}
