package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A service of the running snapshot that a forwarder's data plane would not run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RefusedService(
    @JsonPropertyDescription("The service: <namespace>/<loadbalancer>/<port name>[/<family>].")
        String serviceKey,
    @JsonPropertyDescription("Why, as the data plane says it.") String error) {}
