package io.gatun.operator.control;

import io.gatun.control.v1.AddressConflict;
import io.gatun.control.v1.BgpSession;
import io.gatun.control.v1.FleetPeer;
import io.gatun.control.v1.Port;
import io.gatun.control.v1.PortState;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the operator knows about one connected forwarder, for users (the Forwarder resource).
 *
 * @param ports as its Hello described them
 * @param portStates the latest counters and link state per port (from observations)
 * @param rejectError why it rejected its last rejected snapshot (null: none pending)
 * @param refused the services of the snapshot it runs that it refused, by key, with why
 * @param peers the other forwarders of its fleet it hears
 * @param addressConflicts other MACs it saw answer for addresses it owns (the latest)
 * @param bgpSessions its BGP sessions as its FRR reports them (empty without BGP)
 * @param vipsAdvertised the VIP prefixes it advertises over BGP now ("198.18.0.10/32")
 */
public record ForwarderState(
    String name,
    String node,
    Set<String> capabilities,
    List<Port> ports,
    List<PortState> portStates,
    long appliedSnapshotVersion,
    String rejectError,
    SortedMap<String, String> refused,
    List<String> vipsOwned,
    List<FleetPeer> peers,
    List<AddressConflict> addressConflicts,
    double rxPacketsPerSecond,
    Instant connectedAt,
    Instant lastHeardAt,
    List<BgpSession> bgpSessions,
    List<String> vipsAdvertised) {

  public ForwarderState {
    capabilities = Set.copyOf(capabilities);
    ports = List.copyOf(ports);
    portStates = List.copyOf(portStates);
    refused = Collections.unmodifiableSortedMap(new TreeMap<>(refused));
    vipsOwned = List.copyOf(vipsOwned);
    peers = List.copyOf(peers);
    addressConflicts = List.copyOf(addressConflicts);
    bgpSessions = List.copyOf(bgpSessions);
    vipsAdvertised = List.copyOf(vipsAdvertised);
  }
}
