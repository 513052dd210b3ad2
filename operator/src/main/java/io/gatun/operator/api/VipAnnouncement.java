package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One forwarder answering for one VIP of a LoadBalancer (ARP / NDP in L2 mode). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VipAnnouncement(
    @JsonPropertyDescription("The VIP.") String address,
    @JsonPropertyDescription("The forwarder that answers for it.") String forwarder,
    @JsonPropertyDescription("The node that forwarder runs on.") String node,
    @JsonPropertyDescription(
            "Since when it answers for it (RFC 3339): the move the forwarder reported, or when"
                + " the operator first saw it answer.")
        String since) {}
