package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The observed state of a {@link LoadBalancer}.
 *
 * <p>{@code addresses} and {@code pool} are also the operator's memory: IPAM is rebuilt from them
 * at start-up.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadBalancerStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("The VIP(s) this LoadBalancer holds.") List<String> addresses,
    @JsonPropertyDescription("The VIP(s) as one line, for kubectl get.") String addressSummary,
    @JsonPropertyDescription("The Pool the addresses were taken from.") String pool,
    @JsonPropertyDescription(
            "Other LoadBalancers (same namespace and sharingKey) holding the same VIP.")
        List<String> sharedWith,
    @JsonPropertyDescription(
            "The ports served, as port/protocol (for kubectl get; empty while not valid).")
        String ports,
    @JsonPropertyDescription("How many backends there are and how many take traffic.")
        BackendCounts backends,
    @JsonPropertyDescription(
            "Removed backends still holding their connections (spec.draining), and since when.")
        List<DrainingBackend> drainingBackends,
    @JsonPropertyDescription(
            "What the health probes last said about each backend (unhealthy first, at most 50);"
                + " empty without a HealthProbe.")
        List<BackendHealthStatus> backendHealth,
    @JsonPropertyDescription("The forwarders announcing the VIP(s).") List<String> announcedBy,
    @JsonPropertyDescription(
            "Per VIP, who answers for it on the network: the forwarder, its node, and since when.")
        List<VipAnnouncement> announcements,
    @JsonPropertyDescription(
            "The control-channel snapshot version that first carried this LoadBalancer's"
                + " current configuration; a forwarder running it or a later one is programmed.")
        Long snapshotVersion,
    @JsonPropertyDescription("Per connected forwarder: whether it runs the current configuration.")
        List<ForwarderProgramming> forwarders,
    @JsonPropertyDescription("Valid, Allocated, Programmed, BackendsHealthy, Announced and Ready.")
        List<Condition> conditions) {

  public LoadBalancerStatus {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    sharedWith = sharedWith == null ? List.of() : List.copyOf(sharedWith);
    drainingBackends = drainingBackends == null ? List.of() : List.copyOf(drainingBackends);
    backendHealth = backendHealth == null ? List.of() : List.copyOf(backendHealth);
    announcedBy = announcedBy == null ? List.of() : List.copyOf(announcedBy);
    announcements = announcements == null ? List.of() : List.copyOf(announcements);
    forwarders = forwarders == null ? List.of() : List.copyOf(forwarders);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
