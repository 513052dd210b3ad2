package io.gatun.forwarder.health.passive;

import io.gatun.control.v1.PassiveCheck;
import java.time.Duration;

/**
 * When the data plane's own view of a backend takes it out of rotation (a HealthProbe's {@code
 * spec.passive}), its settings checked.
 *
 * @param consecutiveFailures failed new connections in a row that eject a backend
 * @param window how long a SYN may wait for its answer before it counts as unanswered; a backend
 *     slower than this to answer a SYN is taken for silent
 * @param ejectionTime without an active probe, how long the first ejection lasts before the backend
 *     returns on trial (the n-th ejection in a row lasts n times as long, at most {@link
 *     #MAX_EJECTION_FACTOR} times)
 * @param maxEjectedPercent passive ejection never leaves more than this share of a service's
 *     backends out of rotation
 */
public record PassiveSpec(
    int consecutiveFailures, Duration window, Duration ejectionTime, int maxEjectedPercent) {
  public static final int MAX_EJECTION_FACTOR = 10;

  /**
   * Reads and checks the snapshot's settings; throws naming the bad one. The operator resolves
   * every default, so a zero is refused, never filled in here.
   */
  public static PassiveSpec of(PassiveCheck check, String name) {
    if (check.getMaxEjectedPercent() < 1 || check.getMaxEjectedPercent() > 100) {
      throw new IllegalArgumentException(
          name
              + "passive.max_ejected_percent is "
              + check.getMaxEjectedPercent()
              + " (1-100; the operator sends the HealthProbe's, 50 by default)");
    }
    return new PassiveSpec(
        positive(check.getConsecutiveFailures(), name, "consecutive_failures"),
        Duration.ofMillis(positive(check.getWindowMillis(), name, "window_millis")),
        Duration.ofMillis(positive(check.getEjectionTimeMillis(), name, "ejection_time_millis")),
        check.getMaxEjectedPercent());
  }

  /** How many of {@code backends} passive ejection may leave out of rotation at once. */
  public int maxEjected(int backends) {
    return backends * maxEjectedPercent / 100;
  }

  private static int positive(int value, String name, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          name + "passive." + field + " is " + value + " (the operator sends the HealthProbe's)");
    }
    return value;
  }
}
