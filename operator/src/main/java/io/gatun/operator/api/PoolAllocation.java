package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * Which LoadBalancers a pool serves, and its rank among the pools that could (MetalLB's
 * serviceAllocation).
 *
 * <p>A LoadBalancer that names no pool tries, in order: the autoAssign pools whose allocation
 * matches it, by priority (lowest first; pools without priority after those with one, then by
 * name); then the autoAssign pools without an allocation, by name. A pool with an allocation never
 * serves LoadBalancers it does not match, even through poolRef.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.priority) || has(self.namespaces) || has(self.namespaceSelectors)"
            + " || has(self.serviceSelectors)",
    message =
        "allocation needs at least one of priority, namespaces, namespaceSelectors or"
            + " serviceSelectors: remove it, or say whom the pool is for")
public record PoolAllocation(
    @Min(1)
        @Max(1000000)
        @JsonPropertyDescription(
            "Lower is tried first; pools without a priority come after those with one.")
        Integer priority,
    @Size(max = 256) @JsonPropertyDescription("Namespaces whose LoadBalancers may use the pool.")
        List<@Pattern(Names.DNS_LABEL) @Size(max = 63) String> namespaces,
    @Size(max = 32)
        @JsonPropertyDescription(
            "Namespaces, by label, whose LoadBalancers may use the pool (in addition to"
                + " namespaces).")
        List<LabelSelector> namespaceSelectors,
    @Size(max = 32)
        @JsonPropertyDescription(
            "LoadBalancers (or the Services they come from), by label, that may use the pool."
                + " When set, a LoadBalancer must match one of them as well as the namespace"
                + " rules.")
        List<LabelSelector> serviceSelectors) {

  public PoolAllocation {
    namespaces = namespaces == null ? null : List.copyOf(namespaces);
    namespaceSelectors = namespaceSelectors == null ? null : List.copyOf(namespaceSelectors);
    serviceSelectors = serviceSelectors == null ? null : List.copyOf(serviceSelectors);
  }
}
