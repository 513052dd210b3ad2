package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Why one forwarder pod of a {@link ForwarderSet} does not run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderProblem(
    @JsonPropertyDescription(
            "The node, when the pod has one (a pod that was never placed has not).")
        String node,
    @JsonPropertyDescription("The pod.") String pod,
    @JsonPropertyDescription(
            "InsufficientHugepages, NoVirtualFunction, PortFailed or Unschedulable.")
        String reason,
    @JsonPropertyDescription("What Kubernetes or the forwarder said, and what to do.")
        String message) {}
