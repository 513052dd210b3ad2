package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** BFD timers (RFC 5880). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Bfd(
    @Default("300") @Min(10) @Max(60000) @JsonPropertyDescription("Minimum receive interval.")
        Integer receiveIntervalMillis,
    @Default("300") @Min(10) @Max(60000) @JsonPropertyDescription("Minimum transmit interval.")
        Integer transmitIntervalMillis,
    @Default("3")
        @Min(2)
        @Max(255)
        @JsonPropertyDescription("Missed packets before the session is declared down.")
        Integer detectMultiplier) {}
