package io.gatun.operator.forwarder;

import java.util.Locale;

/** Forwarder names as Kubernetes object names (DNS subdomains). */
final class ForwarderNames {

  private ForwarderNames() {}

  /** "Node_7.rack-2" becomes "node-7.rack-2": lower case, anything else a dash, trimmed. */
  static String resourceName(String forwarder) {
    String name = forwarder.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    name = name.replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
    if (name.length() > 253) {
      name = name.substring(0, 253).replaceAll("[^a-z0-9]+$", "");
    }
    return name.isEmpty() ? "forwarder" : name;
  }
}
