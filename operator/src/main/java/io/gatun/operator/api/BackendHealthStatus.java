package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the health probes last said about one backend (address and port). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackendHealthStatus(
    @JsonPropertyDescription("The backend's address.") String address,
    @JsonPropertyDescription("The port probed traffic goes to.") Integer port,
    @JsonPropertyDescription("False when any forwarder's probe finds it unhealthy.")
        boolean healthy,
    @JsonPropertyDescription(
            "The last result, in words (the failing forwarder's when unhealthy), e.g. \"fwd-a: HTTP"
                + " 503 not in 200-399\".")
        String reason,
    @JsonPropertyDescription("When it last changed state (RFC 3339, forwarder clock).")
        String since,
    @JsonPropertyDescription("Latency of the last successful probe, microseconds.")
        Long latencyMicros,
    @JsonPropertyDescription(
            "Why it is out of rotation, when it is: PassiveFailure (a forwarder's data plane saw"
                + " new connections to it fail: RST, ICMP unreachable, SYNs unanswered) or"
                + " ProbeFailure (a health probe failed).")
        String outOfRotation) {

  public static final String PASSIVE_FAILURE = "PassiveFailure";
  public static final String PROBE_FAILURE = "ProbeFailure";

  /** A backend's health without a cause for being out of rotation. */
  public BackendHealthStatus(
      String address,
      Integer port,
      boolean healthy,
      String reason,
      String since,
      Long latencyMicros) {
    this(address, port, healthy, reason, since, latencyMicros, null);
  }
}
