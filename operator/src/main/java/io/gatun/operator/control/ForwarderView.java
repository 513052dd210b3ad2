package io.gatun.operator.control;

import java.util.Set;
import java.util.TreeSet;

/**
 * What decides the contents of one forwarder's snapshot: its node (for node-local backends) and the
 * capabilities it advertised. A forwarder that advertises none is assumed to run everything.
 */
public record ForwarderView(String node, Set<String> capabilities) {

  public ForwarderView {
    capabilities = Set.copyOf(capabilities);
  }

  public boolean offers(Set<String> required) {
    return capabilities.isEmpty() || capabilities.containsAll(required);
  }

  /** The required capabilities it lacks, sorted. */
  public Set<String> lacks(Set<String> required) {
    var missing = new TreeSet<String>();
    if (!capabilities.isEmpty()) {
      required.stream().filter(c -> !capabilities.contains(c)).forEach(missing::add);
    }
    return missing;
  }
}
