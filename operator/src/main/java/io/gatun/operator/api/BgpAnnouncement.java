package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** BGP announcement of a pool's VIPs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.peers.all(p, self.peers.exists_one(q, q.address == p.address))",
    message = "peers lists an address twice: one entry per peer")
@ValidationRule(
    value = "self.localASN != 23456",
    message =
        "localASN 23456 is AS_TRANS (RFC 6793), a placeholder: write the forwarders' real AS"
            + " number (a private one is 64512-65534 or 4200000000-4294967294)")
@ValidationRule(
    value = "self.peers.all(p, !has(p.ebgpMultihop) || p.asn != self.localASN)",
    message =
        "ebgpMultihop applies to eBGP peers only: remove it from the peers whose asn is localASN"
            + " (iBGP)")
public record BgpAnnouncement(
    @Required @Min(1) @Max(4294967295L) @JsonPropertyDescription("The forwarders' AS number.")
        Long localASN,
    @Required @Size(min = 1, max = 16) @JsonPropertyDescription("The routers to peer with.")
        List<BgpPeer> peers,
    @Size(max = 16)
        @JsonPropertyDescription("Communities attached to the routes: 65000:100 or 65000:1:2.")
        List<@Pattern(Names.BGP_COMMUNITY) String> communities,
    @Min(0) @Max(4294967295L) @JsonPropertyDescription("LOCAL_PREF for iBGP peers.") Long localPref,
    @JsonPropertyDescription("Bidirectional forwarding detection on every peering.") Bfd bfd) {

  public BgpAnnouncement {
    peers = peers == null ? List.of() : List.copyOf(peers);
    communities = communities == null ? null : List.copyOf(communities);
  }
}
