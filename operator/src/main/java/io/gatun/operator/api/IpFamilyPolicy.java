package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How many address families a LoadBalancer wants, as a Service's spec.ipFamilyPolicy. */
public enum IpFamilyPolicy {
  /** One address, of the first family in ipFamilies (or of whichever family a pool offers). */
  @JsonProperty("SingleStack")
  SINGLE_STACK,
  /** One address of each family when a pool can give both, otherwise one. */
  @JsonProperty("PreferDualStack")
  PREFER_DUAL_STACK,
  /** One address of each family from one pool, or none. */
  @JsonProperty("RequireDualStack")
  REQUIRE_DUAL_STACK;

  public String apiName() {
    return switch (this) {
      case SINGLE_STACK -> "SingleStack";
      case PREFER_DUAL_STACK -> "PreferDualStack";
      case REQUIRE_DUAL_STACK -> "RequireDualStack";
    };
  }
}
