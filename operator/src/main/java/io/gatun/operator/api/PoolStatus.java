package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The observed state of a {@link Pool}. Totals are summed over the address families and saturate at
 * 2^63-1 (an IPv6 /64 alone holds 2^64 addresses); the per-family figures say which family.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolStatus(
    @JsonPropertyDescription("The metadata.generation this status was computed from.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Addresses the pool can hand out (without the ones avoidBuggyIPs skips).")
        Long capacity,
    @JsonPropertyDescription("Addresses held by LoadBalancers.") Long allocated,
    @JsonPropertyDescription("Addresses still free.") Long available,
    @JsonPropertyDescription("IPv4 share of the figures above; absent when the pool has none.")
        AddressUsage ipv4,
    @JsonPropertyDescription("IPv6 share of the figures above; absent when the pool has none.")
        AddressUsage ipv6,
    @JsonPropertyDescription("How many LoadBalancers hold addresses of this pool.")
        Integer loadBalancers,
    @JsonPropertyDescription(
            "Addresses LoadBalancers took from this pool that its ranges no longer contain (they"
                + " keep serving until the LoadBalancer lets go), as address (namespace/name).")
        List<String> heldOutsideRanges,
    @JsonPropertyDescription("Valid and Ready.") List<Condition> conditions) {

  public PoolStatus {
    heldOutsideRanges = heldOutsideRanges == null ? List.of() : List.copyOf(heldOutsideRanges);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
