package io.gatun.operator.control;

import com.google.protobuf.ProtocolMessageEnum;
import io.gatun.control.v1.Capabilities;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What decides the contents of one forwarder's snapshot: its node (for node-local backends) and the
 * capabilities it advertised, as the control channel's enum values (families, protocols, modes,
 * schedulings, features). A forwarder that advertises none is assumed to run everything.
 */
public record ForwarderView(String node, Set<ProtocolMessageEnum> capabilities) {

  public ForwarderView {
    capabilities = Set.copyOf(capabilities);
  }

  /** A forwarder's view from its Hello's capabilities. */
  public static ForwarderView of(String node, Capabilities offered) {
    return new ForwarderView(
        node,
        Stream.of(
                offered.getFamiliesList(),
                offered.getProtocolsList(),
                offered.getModesList(),
                offered.getSchedulingsList(),
                offered.getFeaturesList())
            .flatMap(Collection::stream)
            .collect(Collectors.toSet()));
  }

  public boolean offers(Set<? extends ProtocolMessageEnum> required) {
    return capabilities.isEmpty() || capabilities.containsAll(required);
  }

  /** The required capabilities it lacks, by name, sorted. */
  public Set<String> lacks(Set<? extends ProtocolMessageEnum> required) {
    return capabilities.isEmpty()
        ? Set.of()
        : names(required.stream().filter(c -> !capabilities.contains(c)).toList());
  }

  /** Capabilities by name (the enum values' names, unique in the package), sorted. */
  public static Set<String> names(Collection<? extends ProtocolMessageEnum> capabilities) {
    return capabilities.stream()
        .map(Object::toString)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
