package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** One BGP neighbour. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.holdTimeSeconds) || self.holdTimeSeconds == 0 || self.holdTimeSeconds >= 3",
    message = "holdTimeSeconds must be 0 (no keepalives) or at least 3 (RFC 4271)")
public record BgpPeer(
    @Required @Pattern(Names.IP_ADDRESS) @JsonPropertyDescription("The peer's address.")
        String address,
    @Required @Min(1) @Max(4294967295L) @JsonPropertyDescription("The peer's AS number.") Long asn,
    @Default("179") @Min(1) @Max(65535) @JsonPropertyDescription("The peer's TCP port.")
        Integer port,
    @Min(0) @Max(65535) @JsonPropertyDescription("Hold time offered to the peer (default 90).")
        Integer holdTimeSeconds) {}
