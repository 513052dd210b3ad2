package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * The desired state of a {@link Pool}.
 *
 * <p>Addresses are strings in either family; the schema only screens the alphabet, the operator
 * parses them exactly and reports mistakes on the Pool's {@code Ready} condition.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PoolSpec(
    @Required
        @Size(min = 1)
        @JsonPropertyDescription(
            "Address ranges: CIDRs (198.18.0.200/29, 2001:2::/120), first-last ranges"
                + " (198.18.0.10-198.18.0.20) or single addresses. Ranges of one pool must not"
                + " overlap.")
        List<@Pattern(ADDRESS_RANGE_PATTERN) String> addresses,
    @Default("true")
        @JsonPropertyDescription(
            "Whether LoadBalancers without a poolRef may get addresses from this pool. When false,"
                + " only LoadBalancers naming the pool in poolRef, or asking for one of its"
                + " addresses, use it.")
        Boolean autoAssign) {

  /** Screens the characters of a range; the operator does the real parsing. */
  public static final String ADDRESS_RANGE_PATTERN =
      "^[0-9A-Fa-f:.]+(/[0-9]{1,3}|-[0-9A-Fa-f:.]+)?$";

  public PoolSpec {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  public boolean autoAssignOrDefault() {
    return autoAssign == null || autoAssign;
  }
}
