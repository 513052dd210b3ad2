package io.gatun.forwarder.health.passive;

/**
 * What the detector decided about one backend.
 *
 * @param reason in words, for the status and the events: what the data plane saw
 */
public record Verdict<K>(K backend, Kind kind, String reason) {
  public enum Kind {
    /** Out of rotation now (reason {@code PassiveFailure}). */
    EJECT,
    /** No active probe: back in rotation on trial after its ejection time. */
    RETURN_ON_TRIAL
  }
}
