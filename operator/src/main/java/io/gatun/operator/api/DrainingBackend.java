package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * A backend removed from a LoadBalancer that still holds its connections (spec.draining). Kept in
 * status so a restarted or newly leading operator finishes the drain instead of cutting it short.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrainingBackend(
    @JsonPropertyDescription("The virtual service it drains from (namespace/name/port name).")
        String service,
    @JsonPropertyDescription("Its address.") String address,
    @JsonPropertyDescription("Its port.") int port,
    @JsonPropertyDescription("The node it runs on (for externalTrafficPolicy Local), if known.")
        String node,
    @JsonPropertyDescription(
            "When it left (RFC 3339); it goes when spec.draining.timeoutSeconds have passed.")
        String since) {}
