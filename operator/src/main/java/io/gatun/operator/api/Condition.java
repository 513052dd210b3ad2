package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A status condition as the Kubernetes API conventions define it (metav1.Condition).
 *
 * <p>Build them with {@link io.gatun.operator.status.ConditionsBuilder}, which owns the rule for
 * {@code lastTransitionTime}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    @Required @JsonPropertyDescription("Type of the condition, e.g. Ready.") String type,
    @Required @JsonPropertyDescription("True, False or Unknown.") ConditionStatus status,
    @JsonPropertyDescription("One CamelCase word saying why the condition has its status.")
        String reason,
    @JsonPropertyDescription("Human-readable details.") String message,
    @JsonPropertyDescription("The metadata.generation this condition was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("When status last changed (RFC 3339).") String lastTransitionTime) {

  @JsonIgnore
  public boolean isTrue() {
    return status == ConditionStatus.True;
  }
}
