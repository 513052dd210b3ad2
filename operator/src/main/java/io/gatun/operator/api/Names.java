package io.gatun.operator.api;

/** Patterns the schema uses for names and addresses. */
final class Names {
  /** A DNS-1123 subdomain: what Kubernetes object names are. */
  static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A DNS label, as Kubernetes port names are (the schema also caps it at 15 characters). */
  static final String PORT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** Screens the alphabet of an IPv4 or IPv6 literal; the operator parses it exactly. */
  static final String IP_ADDRESS = "^[0-9A-Fa-f:.]+$";

  private Names() {}
}
