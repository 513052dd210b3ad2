package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Whether a client keeps its backend across connections. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.timeoutSeconds) || self.type == 'ClientIP'",
    message = "timeoutSeconds applies to type ClientIP only: remove it or set type: ClientIP")
public record SessionAffinity(
    @Default("None")
        @JsonPropertyDescription("None, or ClientIP (new flows of a client go to its backend).")
        SessionAffinityType type,
    @Min(1)
        @Max(86400)
        @JsonPropertyDescription("ClientIP only: how long a client stays with its backend.")
        Integer timeoutSeconds) {}
