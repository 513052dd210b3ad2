package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What a UDP or SCTP probe sends and expects back. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.encoding != 'Hex' || ((!has(self.send) || self.send.matches('^([0-9a-fA-F]{2})*$'))"
            + " && (!has(self.expect) || self.expect.matches('^([0-9a-fA-F]{2})*$')))",
    message =
        "encoding Hex needs send and expect as pairs of hex digits, e.g. 0a1b: fix them or use"
            + " encoding Text")
public record ProbePayload(
    @Size(max = 1024) @JsonPropertyDescription("What to send.") String send,
    @Size(max = 1024)
        @JsonPropertyDescription("What the answer must contain; any answer passes when unset.")
        String expect,
    @Default("Text") @JsonPropertyDescription("Text (UTF-8) or Hex.") PayloadEncoding encoding) {}
