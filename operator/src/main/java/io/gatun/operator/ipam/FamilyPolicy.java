package io.gatun.operator.ipam;

/** How many families an owner wants addresses of. */
public enum FamilyPolicy {
  /** One address, of the first acceptable family a pool can give. */
  SINGLE,
  /** One address of each family from one pool when possible, otherwise one. */
  PREFER_DUAL,
  /** One address of each family from one pool, or nothing. */
  REQUIRE_DUAL
}
