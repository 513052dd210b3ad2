package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Backend head count of a LoadBalancer. */
public record BackendCounts(
    @JsonPropertyDescription("Backends that take traffic (ready endpoints, or static backends).")
        int healthy,
    @JsonPropertyDescription("All backends, ready or not.") int total) {}
