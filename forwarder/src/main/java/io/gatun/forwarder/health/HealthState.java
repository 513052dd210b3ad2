package io.gatun.forwarder.health;

import java.util.Optional;

/**
 * Consecutive-result thresholds for one backend. It starts healthy, so a new service (or a new
 * backend) serves at once, as it would without a probe, and leaves rotation only after {@code
 * unhealthyThreshold} failures in a row; it comes back after {@code healthyThreshold} successes in
 * a row.
 */
final class HealthState {
  private final BackendKey key;
  private final HealthCheckSpec spec;
  private boolean healthy = true;
  private int successes;
  private int failures;
  private String reason = "not probed yet";
  private long changedAtMillis;
  private long lastLatencyMicros;

  HealthState(BackendKey key, HealthCheckSpec spec, long nowMillis) {
    this.key = key;
    this.spec = spec;
    this.changedAtMillis = nowMillis;
  }

  HealthCheckSpec spec() {
    return spec;
  }

  synchronized boolean healthy() {
    return healthy;
  }

  /** Counts one result; returns the new status when it crossed a threshold. */
  synchronized Optional<HealthStatus> record(ProbeResult result, long nowMillis) {
    reason = result.reason();
    if (result.success()) {
      lastLatencyMicros = Math.max(1, result.latency().toNanos() / 1000);
      failures = 0;
      successes++;
      if (!healthy && successes >= spec.healthyThreshold()) {
        return Optional.of(flip(nowMillis));
      }
    } else {
      successes = 0;
      failures++;
      if (healthy && failures >= spec.unhealthyThreshold()) {
        return Optional.of(flip(nowMillis));
      }
    }
    return Optional.empty();
  }

  private HealthStatus flip(long nowMillis) {
    healthy = !healthy;
    changedAtMillis = nowMillis;
    return status();
  }

  synchronized HealthStatus status() {
    return new HealthStatus(key, healthy, reason, spec.probe(), changedAtMillis, lastLatencyMicros);
  }
}
