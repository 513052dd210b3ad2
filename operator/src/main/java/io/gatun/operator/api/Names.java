package io.gatun.operator.api;

/** Patterns the schema uses for names and addresses. */
final class Names {
  /** A DNS-1123 subdomain: what Kubernetes object names are. */
  static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A DNS-1123 label: namespace names, Kubernetes port names (capped at 15 there). */
  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS label, as Kubernetes port names are (the schema also caps it at 15 characters). */
  static final String PORT_NAME = DNS_LABEL;

  /** Screens the alphabet of an IPv4 or IPv6 literal; the operator parses it exactly. */
  static final String IP_ADDRESS = "^[0-9A-Fa-f:.]+$";

  /**
   * What a backend address may look like to the server: an address's alphabet, and a host name's,
   * so that a host name reaches the operator, whose message says to write the address instead (a
   * pattern's message cannot say that).
   */
  static final String BACKEND_ADDRESS = "^[0-9A-Za-z:.-]+$";

  /** A sharing key: letters, digits, '-', '_' and '.', as label values are. */
  static final String SHARING_KEY = "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$";

  /** A BGP community: standard (65000:100) or large (65000:1:2). */
  static final String BGP_COMMUNITY = "^[0-9]{1,10}:[0-9]{1,10}(:[0-9]{1,10})?$";

  /** A network interface name as Linux allows it. */
  static final String INTERFACE = "^[A-Za-z0-9][-A-Za-z0-9_.:@]{0,14}$";

  /** A key of a Secret's data, as Kubernetes allows it. */
  static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

  private Names() {}
}
