package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** How packets reach the backends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.encapsulation) || self.mode == 'DSR'",
    message = "encapsulation applies to mode DSR only: remove it or set mode: DSR")
public record Forwarding(
    @Default("FullNAT")
        @JsonPropertyDescription(
            "FullNAT (DNAT+SNAT, any topology), NAT (DNAT only; backends route back through"
                + " Gatun) or DSR (direct server return).")
        ForwardingMode mode,
    @JsonPropertyDescription(
            "DSR only: None (MAC rewrite, backends on the same L2 segment; the default) or IPIP.")
        Encapsulation encapsulation) {

  public Forwarding(ForwardingMode mode) {
    this(mode, null);
  }
}
