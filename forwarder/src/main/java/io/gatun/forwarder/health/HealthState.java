package io.gatun.forwarder.health;

import java.util.Optional;

/**
 * Consecutive-result thresholds for one backend. It starts healthy, so a new service (or a new
 * backend) serves at once, as it would without a probe, and leaves rotation only after {@code
 * unhealthyThreshold} failures in a row; it comes back after {@code healthyThreshold} successes in
 * a row.
 *
 * <p>The data plane's passive verdict takes the same way out of rotation ({@link #eject}): the
 * probe's successes bring the backend back as after its own failures, or, with no probe, the
 * detector's trial ({@link #returnOnTrial}).
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
  private boolean passiveFailure;

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
    if (!passiveFailure) {
      reason = result.reason(); // while ejected, the status keeps saying what the data plane saw
    }
    if (result.success()) {
      lastLatencyMicros = Math.max(1, result.latency().toNanos() / 1000);
      failures = 0;
      successes++;
      if (!healthy && successes >= spec.healthyThreshold()) {
        reason = result.reason();
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

  /**
   * Out of rotation on the data plane's passive verdict; returns the new status, or nothing when it
   * already was out.
   */
  synchronized Optional<HealthStatus> eject(String why, long nowMillis) {
    if (!healthy) {
      return Optional.empty();
    }
    reason = why;
    successes = 0;
    failures = 0;
    passiveFailure = true;
    return Optional.of(flip(nowMillis));
  }

  /** Back in rotation on trial (no active probe); nothing when it was not passively ejected. */
  synchronized Optional<HealthStatus> returnOnTrial(String why, long nowMillis) {
    if (healthy || !passiveFailure) {
      return Optional.empty();
    }
    reason = why;
    return Optional.of(flip(nowMillis));
  }

  private HealthStatus flip(long nowMillis) {
    healthy = !healthy;
    if (healthy) {
      passiveFailure = false;
    }
    changedAtMillis = nowMillis;
    return status();
  }

  synchronized HealthStatus status() {
    return new HealthStatus(
        key, healthy, reason, spec.probe(), changedAtMillis, lastLatencyMicros, passiveFailure);
  }
}
