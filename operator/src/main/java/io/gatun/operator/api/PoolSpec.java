package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The desired state of a {@link Pool}.
 *
 * <p>Addresses are strings in either family; the schema only screens the alphabet, the operator
 * parses them exactly and reports mistakes on the Pool's {@code Valid} condition.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.addresses.all(a, self.addresses.exists_one(b, b == a))",
    message = "addresses lists an entry twice: remove the duplicate")
public record PoolSpec(
    @Required
        @Size(min = 1, max = 128)
        @JsonPropertyDescription(
            "Address ranges: CIDRs (198.18.0.200/29, 2001:2::/120), first-last ranges"
                + " (198.18.0.10-198.18.0.20) or single addresses, IPv4 and IPv6. Ranges must not"
                + " overlap each other nor another Pool's.")
        List<@Pattern(ADDRESS_RANGE_PATTERN) @Size(max = 100) String> addresses,
    @Default("true")
        @JsonPropertyDescription(
            "Whether LoadBalancers that name no pool may get addresses from this pool. When false,"
                + " only LoadBalancers naming it in poolRef, or asking for one of its addresses,"
                + " use it.")
        Boolean autoAssign,
    @Default("false")
        @JsonPropertyDescription(
            "Skips IPv4 addresses ending in .0 and .255, which some old routers and firewalls"
                + " drop as broadcast.")
        Boolean avoidBuggyIPs,
    @JsonPropertyDescription(
            "Restricts which LoadBalancers may take addresses from this pool, and in which order"
                + " pools are tried.")
        PoolAllocation allocation,
    @Default("{}") @JsonPropertyDescription("How the pool's VIPs are announced to the network.")
        Announcement announcement) {

  /** Screens the characters of a range; the operator does the real parsing. */
  public static final String ADDRESS_RANGE_PATTERN =
      "^[0-9A-Fa-f:.]+(/[0-9]{1,3}|-[0-9A-Fa-f:.]+)?$";

  public PoolSpec {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  public PoolSpec(List<String> addresses, Boolean autoAssign) {
    this(addresses, autoAssign, null, null, null);
  }

  public boolean autoAssignOrDefault() {
    return autoAssign == null || autoAssign;
  }

  public boolean avoidBuggyIpsOrDefault() {
    return avoidBuggyIPs != null && avoidBuggyIPs;
  }

  public AnnouncementMode announcementModeOrDefault() {
    return announcement == null || announcement.mode() == null
        ? AnnouncementMode.L2
        : announcement.mode();
  }
}
