package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** How packets reach the backends. DSR's encapsulation joins {@code mode} here later. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Forwarding(
    @Default("FullNAT")
        @JsonPropertyDescription(
            "FullNAT (DNAT+SNAT, any topology), NAT (DNAT only; backends route back through"
                + " Gatun) or DSR (direct server return).")
        ForwardingMode mode) {}
