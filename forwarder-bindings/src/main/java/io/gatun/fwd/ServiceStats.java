package io.gatun.fwd;

import java.net.InetAddress;
import java.util.List;

/**
 * Traffic of one virtual service, summed over workers and cumulative across commits that keep the
 * service. Packets and bytes count both directions.
 */
public record ServiceStats(
    InetAddress vip,
    Protocol protocol,
    int port,
    long packets,
    long bytes,
    long newFlows,
    long activeFlows,
    List<BackendStats> backends) {
  public ServiceStats {
    backends = List.copyOf(backends);
  }
}
