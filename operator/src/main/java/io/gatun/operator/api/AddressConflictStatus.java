package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Another MAC seen answering for an address a forwarder owns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AddressConflictStatus(
    @JsonPropertyDescription("The VIP (or return-path gateway) the forwarder owns.") String address,
    @JsonPropertyDescription("The MAC that answered for it too.") String mac,
    @JsonPropertyDescription(
            "The forwarder that MAC belongs to when it is one of the fleet (a healing partition,"
                + " resolved by rendezvous); unset for a foreign device.")
        String peer,
    @JsonPropertyDescription("ARP or NDP.") String via,
    @JsonPropertyDescription("How many times it was seen.") Long count,
    @JsonPropertyDescription("When it was last seen (RFC 3339, forwarder clock).")
        String lastSeen) {}
