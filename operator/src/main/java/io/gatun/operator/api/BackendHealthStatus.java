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
        Long latencyMicros) {}
