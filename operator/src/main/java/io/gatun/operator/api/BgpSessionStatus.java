package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One BGP session of a forwarder, as its FRR reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BgpSessionStatus(
    @JsonPropertyDescription("The peer's address.") String peer,
    @JsonPropertyDescription("The peer's AS number.") Long asn,
    @JsonPropertyDescription("FRR's word for the session's state: Established, Active, Connect...")
        String state,
    @JsonPropertyDescription("When the session was established (RFC 3339); absent when it is not.")
        String since,
    @JsonPropertyDescription("How many VIP prefixes are advertised to the peer.")
        Integer prefixesAdvertised,
    @JsonPropertyDescription(
            "Why it is not established, as FRR says it (Bad Peer AS, Hold Timer Expired, ...).")
        String lastError,
    @JsonPropertyDescription("The BFD session's state (up, down, init, adminDown); absent without.")
        String bfd,
    @JsonPropertyDescription("The Pools that list this peer.") List<String> pools) {

  public BgpSessionStatus {
    pools = pools == null ? List.of() : List.copyOf(pools);
  }

  public boolean established() {
    return "Established".equals(state);
  }
}
