package io.gatun.operator.control;

import io.gatun.control.v1.Port;
import io.gatun.control.v1.PortState;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the operator knows about one connected forwarder, for users (the Forwarder resource).
 *
 * @param ports as its Hello described them
 * @param portStates the latest counters and link state per port (from observations)
 * @param rejectError why it rejected its last rejected snapshot (null: none pending)
 */
public record ForwarderState(
    String name,
    String node,
    Set<String> capabilities,
    List<Port> ports,
    List<PortState> portStates,
    long appliedGeneration,
    String rejectError,
    List<String> vipsOwned,
    double rxPacketsPerSecond,
    Instant connectedAt,
    Instant lastHeardAt) {

  public ForwarderState {
    capabilities = Set.copyOf(capabilities);
    ports = List.copyOf(ports);
    portStates = List.copyOf(portStates);
    vipsOwned = List.copyOf(vipsOwned);
  }
}
