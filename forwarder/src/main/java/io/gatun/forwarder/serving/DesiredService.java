package io.gatun.forwarder.serving;

import io.gatun.forwarder.health.HealthCheckSpec;
import io.gatun.fwd.ServiceSpec;
import java.util.Optional;

/**
 * One service of the operator's snapshot: what the data plane should serve with every backend
 * healthy, and how to check them (none: the endpoints' readiness, already applied by the operator,
 * is all there is).
 */
public record DesiredService(String key, ServiceSpec spec, Optional<HealthCheckSpec> healthCheck) {}
