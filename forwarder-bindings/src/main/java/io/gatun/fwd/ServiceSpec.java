package io.gatun.fwd;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A virtual service: (VIP, port, protocol) and the backends behind it. Nothing is defaulted here:
 * the data plane refuses a Maglev table size of 0 (the operator resolves the LoadBalancer's).
 */
public record ServiceSpec(
    InetAddress vip,
    Protocol protocol,
    int port,
    ForwardingMode mode,
    Scheduling scheduling,
    int maglevTableSize,
    List<BackendSpec> backends,
    int affinityTimeoutSeconds) {
  public ServiceSpec(
      InetAddress vip,
      Protocol protocol,
      int port,
      ForwardingMode mode,
      Scheduling scheduling,
      int maglevTableSize,
      List<BackendSpec> backends) {
    this(vip, protocol, port, mode, scheduling, maglevTableSize, backends, 0);
  }

  public ServiceSpec {
    if (affinityTimeoutSeconds < 0) {
      throw new IllegalArgumentException("affinity timeout must not be negative");
    }
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(scheduling, "scheduling");
    backends = List.copyOf(backends);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("service port " + port + " is outside 1-65535");
    }
  }
}
