package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** What happens to the flows of a backend that leaves the set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Draining(
    @Required
        @Min(0)
        @Max(3600)
        @JsonPropertyDescription(
            "How long established flows keep a removed backend before they are cut (0: at once).")
        Integer timeoutSeconds) {}
