package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** CPU and memory of a forwarder pod: requested and limited alike (Guaranteed QoS). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderResources(
    @Default("2")
        @Pattern("^([1-9][0-9]*|[1-9][0-9]*m)$")
        @JsonPropertyDescription(
            "Whole CPUs, at least the lcores' count, so the static CPU manager can give them"
                + " exclusively; or millicores (e.g. 1500m) on small nodes and in tests, where the"
                + " lcores share the node's CPUs and a polling worker is throttled to the limit.")
        String cpu,
    @Default("1Gi")
        @Pattern("^[1-9][0-9]*(Mi|Gi)$")
        @JsonPropertyDescription("Memory besides hugepages (the JVM and the agent), e.g. 768Mi.")
        String memory) {}
