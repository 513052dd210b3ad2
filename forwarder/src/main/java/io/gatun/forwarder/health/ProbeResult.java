package io.gatun.forwarder.health;

import java.time.Duration;

/**
 * One probe's verdict.
 *
 * @param reason what happened, in words ("connect refused", "HTTP 503 not in 200-399")
 * @param latency how long the probe took, success or not
 */
public record ProbeResult(boolean success, String reason, Duration latency) {
  public static ProbeResult success(String reason, long startedNanos) {
    return new ProbeResult(true, reason, since(startedNanos));
  }

  public static ProbeResult failure(String reason, long startedNanos) {
    return new ProbeResult(false, reason, since(startedNanos));
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }
}
