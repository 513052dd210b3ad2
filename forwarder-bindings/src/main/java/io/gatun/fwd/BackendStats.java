package io.gatun.fwd;

import java.net.InetAddress;

/** Traffic of one backend of a service; see {@link ServiceStats}. */
public record BackendStats(
    InetAddress address, int port, long packets, long bytes, long newFlows, long activeFlows) {}
