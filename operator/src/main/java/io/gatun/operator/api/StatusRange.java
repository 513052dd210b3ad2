package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An inclusive range of HTTP status codes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.to) || self.from <= self.to",
    message = "an expected status range must not end before it starts: from <= to")
public record StatusRange(
    @Required @Min(100) @Max(599) @JsonPropertyDescription("The first status that passes.")
        Integer from,
    @Min(100) @Max(599) @JsonPropertyDescription("The last status that passes (default: from).")
        Integer to) {

  public int toOrDefault() {
    return to == null ? from : to;
  }
}
