package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The observed state of a {@link HealthProbe}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthProbeStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("How many LoadBalancers use this probe.") Integer usedBy,
    @JsonPropertyDescription("The LoadBalancers using it (the first 50, by name).")
        List<String> loadBalancers,
    @JsonPropertyDescription("Valid.") List<Condition> conditions) {

  public HealthProbeStatus {
    loadBalancers = loadBalancers == null ? List.of() : List.copyOf(loadBalancers);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
