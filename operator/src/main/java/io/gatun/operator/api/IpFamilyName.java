package io.gatun.operator.api;

/** An address family as Kubernetes spells it (Service spec.ipFamilies). */
public enum IpFamilyName {
  IPv4,
  IPv6
}
