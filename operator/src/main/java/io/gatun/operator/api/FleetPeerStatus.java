package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Another forwarder of the fleet that a forwarder hears advertise on its data segment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetPeerStatus(
    @JsonPropertyDescription("The peer's forwarder name.") String name,
    @JsonPropertyDescription("The node it runs on.") String node,
    @JsonPropertyDescription("The port MAC its advertisements come from.") String mac) {}
