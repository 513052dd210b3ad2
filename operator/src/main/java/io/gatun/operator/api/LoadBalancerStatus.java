package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The observed state of a {@link LoadBalancer}.
 *
 * <p>{@code addresses} is also the operator's memory: IPAM is rebuilt from it at start-up.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadBalancerStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription("The VIP(s) this LoadBalancer holds.") List<String> addresses,
    @JsonPropertyDescription("The Pool the addresses belong to.") String pool,
    @JsonPropertyDescription(
            "The ports served, as port/protocol (for kubectl get; empty while not accepted).")
        String ports,
    @JsonPropertyDescription("How many backends there are and how many take traffic.")
        BackendCounts backends,
    @JsonPropertyDescription(
            "The control-channel snapshot generation that first carried this LoadBalancer's"
                + " current configuration; a forwarder running it or a later one is programmed.")
        Long snapshotGeneration,
    @JsonPropertyDescription("Per connected forwarder: whether it runs the current configuration.")
        List<ForwarderProgramming> forwarders,
    @JsonPropertyDescription("Accepted, Allocated, Programmed and Ready.")
        List<Condition> conditions) {

  public LoadBalancerStatus {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    forwarders = forwarders == null ? List.of() : List.copyOf(forwarders);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
