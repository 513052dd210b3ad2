package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator knows about a forwarder, kept from its Hello, acks and observations. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderStatus(
    @JsonPropertyDescription("The node it runs on.") String node,
    @JsonPropertyDescription("What its data plane supports (fullnat, ipv4, ...).")
        List<String> capabilities,
    @JsonPropertyDescription("Its data-plane ports and their link state.")
        List<ForwarderPort> ports,
    @JsonPropertyDescription("The last snapshot version it applied.") Long appliedSnapshotVersion,
    @JsonPropertyDescription(
            "Why it rejected the last snapshot it rejected, if it still runs an older one.")
        String lastError,
    @JsonPropertyDescription(
            "How many services of the snapshot it runs it refused (the rest of the snapshot runs).")
        Integer refusedCount,
    @JsonPropertyDescription(
            "The services it refused, each with the data plane's reason (the first 50 by key).")
        List<RefusedService> refusedServices,
    @JsonPropertyDescription("The VIPs it announces.") List<String> vipsOwned,
    @JsonPropertyDescription("How many VIPs it announces (for kubectl get).") Integer vipCount,
    @JsonPropertyDescription(
            "The other forwarders of its fleet it hears advertise on its data segment, alive now.")
        List<FleetPeerStatus> peers,
    @JsonPropertyDescription("How many peers it hears (for kubectl get).") Integer peerCount,
    @JsonPropertyDescription(
            "Other MACs that answered for an address it owns, since it started (the latest 20).")
        List<AddressConflictStatus> addressConflicts,
    @JsonPropertyDescription("Packets per second received on all ports, last observation period.")
        Long rxPacketsPerSecond,
    @JsonPropertyDescription("When its current connection began (RFC 3339).") String connectedSince,
    @JsonPropertyDescription("When the operator last heard from it (RFC 3339).") String lastSeen,
    @JsonPropertyDescription("Connected and, with BGP, BgpSessionsEstablished.")
        List<Condition> conditions,
    @JsonPropertyDescription("Its BGP sessions, as its FRR reports them; empty without BGP.")
        List<BgpSessionStatus> bgpSessions,
    @JsonPropertyDescription(
            "BGP sessions established / configured, e.g. 2/3 (for kubectl get); absent without"
                + " BGP.")
        String bgpSessionsEstablished,
    @JsonPropertyDescription(
            "The VIP prefixes it advertises over BGP now (those it can serve: port up, workers"
                + " looping, a healthy backend).")
        List<String> vipsAdvertised) {

  public ForwarderStatus {
    capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    ports = ports == null ? List.of() : List.copyOf(ports);
    refusedServices = refusedServices == null ? List.of() : List.copyOf(refusedServices);
    vipsOwned = vipsOwned == null ? List.of() : List.copyOf(vipsOwned);
    peers = peers == null ? List.of() : List.copyOf(peers);
    addressConflicts = addressConflicts == null ? List.of() : List.copyOf(addressConflicts);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    bgpSessions = bgpSessions == null ? List.of() : List.copyOf(bgpSessions);
    vipsAdvertised = vipsAdvertised == null ? List.of() : List.copyOf(vipsAdvertised);
  }
}
