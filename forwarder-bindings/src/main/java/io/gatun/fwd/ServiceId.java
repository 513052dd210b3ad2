package io.gatun.fwd;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A service as the data plane names it: VIP, port and protocol ({@code struct gfwd_service_id}).
 * Two {@link ServiceSpec}s of one id are the same service, one replacing the other.
 */
public record ServiceId(InetAddress vip, Protocol protocol, int port) {
  public ServiceId {
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(protocol, "protocol");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("service port " + port + " is outside 1-65535");
    }
  }

  public static ServiceId of(ServiceSpec spec) {
    return new ServiceId(spec.vip(), spec.protocol(), spec.port());
  }
}
