package io.gatun.forwarder.health;

import java.net.InetSocketAddress;

/**
 * One kind of health check. Runs on a virtual thread, blocks at most {@code spec.timeout()}, never
 * throws for anything the backend does: every failure is a {@link ProbeResult} with a reason.
 */
@FunctionalInterface
public interface Probe {
  ProbeResult check(InetSocketAddress target, HealthCheckSpec spec);
}
