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
@ValidationRule(
    value =
        "!has(self.keepaliveTimeSeconds) || (has(self.holdTimeSeconds) ? self.holdTimeSeconds == 0"
            + " || self.keepaliveTimeSeconds < self.holdTimeSeconds : self.keepaliveTimeSeconds <"
            + " 90)",
    message =
        "keepaliveTimeSeconds must be less than holdTimeSeconds (90 when unset): lower it, or"
            + " raise holdTimeSeconds (a third of it is usual)")
@ValidationRule(
    value = "self.asn != 23456",
    message =
        "asn 23456 is AS_TRANS (RFC 6793), a placeholder no router has: write the peer's real"
            + " (4-byte) AS number")
public record BgpPeer(
    @Required @Pattern(Names.IP_ADDRESS) @JsonPropertyDescription("The peer's address.")
        String address,
    @Required @Min(1) @Max(4294967295L) @JsonPropertyDescription("The peer's AS number.") Long asn,
    @Default("179") @Min(1) @Max(65535) @JsonPropertyDescription("The peer's TCP port.")
        Integer port,
    @Min(0) @Max(65535) @JsonPropertyDescription("Hold time offered to the peer (default 90).")
        Integer holdTimeSeconds,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription(
            "Seconds between keepalives; less than holdTimeSeconds (default: a third of it).")
        Integer keepaliveTimeSeconds,
    @Min(1)
        @Max(255)
        @JsonPropertyDescription(
            "For an eBGP peer more than one hop away: the TTL of the session's packets. Unset:"
                + " the peer must be directly connected.")
        Integer ebgpMultihop,
    @JsonPropertyDescription(
            "The TCP MD5 password (RFC 2385) of the session: a key of a Secret in the operator's"
                + " namespace. Unset: no password.")
        SecretKeyRef passwordSecretRef,
    @Default("false")
        @JsonPropertyDescription(
            "True turns BFD off for this peer when the pool's bgp.bfd is set (a router that does"
                + " not speak BFD).")
        Boolean disableBfd) {

  public BgpPeer(String address, Long asn, Integer port, Integer holdTimeSeconds) {
    this(address, asn, port, holdTimeSeconds, null, null, null, null);
  }

  public int portOrDefault() {
    return port == null ? 179 : port;
  }

  public boolean bfdDisabled() {
    return disableBfd != null && disableBfd;
  }
}
