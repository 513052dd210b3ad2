package io.gatun.forwarder.health;

import io.gatun.control.v1.HealthCheck;

/** Which probe checks a given type of health check. */
@FunctionalInterface
public interface ProbeSet {
  Probe forType(HealthCheck.Type type);
}
