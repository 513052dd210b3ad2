package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** How many forwarders of a {@link ForwarderSet} run, and what keeps the others. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderSetStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("The DaemonSet the operator renders from this spec.") String daemonSet,
    @JsonPropertyDescription("The forwarder image in use (spec.image or the operator's default).")
        String image,
    @JsonPropertyDescription("Nodes that should run a forwarder.") Integer desired,
    @JsonPropertyDescription("Nodes that run one (scheduled, whatever its state).")
        Integer scheduled,
    @JsonPropertyDescription("Forwarders that are ready (their data port is up).") Integer ready,
    @JsonPropertyDescription("Forwarders running the current spec.") Integer updated,
    @JsonPropertyDescription(
            "Forwarders that cannot run, one per node (the first 50 by node), with why.")
        List<ForwarderProblem> problems,
    @JsonPropertyDescription("Ready, Progressing, Degraded.") List<Condition> conditions) {

  public ForwarderSetStatus {
    problems = problems == null ? List.of() : List.copyOf(problems);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
