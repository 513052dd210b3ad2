package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Whether one forwarder runs a LoadBalancer's current configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderProgramming(
    @JsonPropertyDescription("The forwarder's name (in cluster: its node).") String name,
    @JsonPropertyDescription("True once it has applied snapshotVersion or a later one.")
        boolean programmed,
    @JsonPropertyDescription(
            "While it does not run this configuration: the last snapshot version it acknowledged"
                + " applying (the Forwarder's status has it always).")
        Long appliedSnapshotVersion,
    @JsonPropertyDescription(
            "Why it does not run this configuration: the error it rejected it with, or the"
                + " capability it lacks.")
        String error) {}
