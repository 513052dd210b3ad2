package io.gatun.operator.forwarder;

import io.gatun.control.v1.AddressConflict;
import io.gatun.control.v1.BgpSession;
import io.gatun.control.v1.Port;
import io.gatun.control.v1.PortState;
import io.gatun.operator.api.AddressConflictStatus;
import io.gatun.operator.api.BgpSessionStatus;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.FleetPeerStatus;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.ForwarderPort;
import io.gatun.operator.api.ForwarderStatus;
import io.gatun.operator.api.RefusedService;
import io.gatun.operator.control.ForwarderState;
import io.gatun.operator.status.ConditionsBuilder;
import io.gatun.operator.status.StatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Forwarder's status from what the fleet knows: everything while it is connected; when it is not,
 * what was last seen, with Connected=False saying since when.
 */
final class ForwarderStatusBuilder {

  /** At most this many refused services are listed (all are counted). */
  static final int LISTED_REFUSALS = 50;

  private final Clock clock;

  ForwarderStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  StatusUpdate<ForwarderStatus> connected(Forwarder forwarder, ForwarderState state) {
    var conditions =
        conditions(forwarder)
            .set(
                Forwarder.CONNECTED,
                true,
                "Connected",
                "connected since " + time(state.connectedAt()));
    List<BgpSessionStatus> sessions =
        state.bgpSessions().stream().map(ForwarderStatusBuilder::session).toList();
    bgpCondition(conditions, sessions);
    Map<String, PortState> counters =
        state.portStates().stream()
            .collect(Collectors.toMap(PortState::getName, Function.identity(), (a, b) -> b));
    List<ForwarderPort> ports =
        state.ports().stream().map(port -> port(port, counters.get(port.getName()))).toList();
    var status =
        new ForwarderStatus(
            state.node(),
            state.capabilities().stream().sorted().toList(),
            ports,
            state.appliedSnapshotVersion() == 0 ? null : state.appliedSnapshotVersion(),
            state.rejectError(),
            state.refused().size(),
            state.refused().entrySet().stream()
                .limit(LISTED_REFUSALS)
                .map(e -> new RefusedService(e.getKey(), e.getValue()))
                .toList(),
            state.vipsOwned().stream().sorted().toList(),
            state.vipsOwned().size(),
            state.peers().stream()
                .map(p -> new FleetPeerStatus(p.getName(), p.getNode(), p.getMac()))
                .sorted(Comparator.comparing(FleetPeerStatus::name))
                .toList(),
            state.peers().size(),
            state.addressConflicts().stream().map(ForwarderStatusBuilder::conflict).toList(),
            Math.round(state.rxPacketsPerSecond()),
            time(state.connectedAt()),
            time(state.lastHeardAt()),
            conditions.build(),
            sessions,
            sessions.isEmpty() ? null : established(sessions) + "/" + sessions.size(),
            state.vipsAdvertised().stream().sorted().toList());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  /**
   * BgpSessionsEstablished, with BGP only: True when every session is, else False naming each
   * session that is not and why, as FRR says it.
   */
  private static void bgpCondition(ConditionsBuilder conditions, List<BgpSessionStatus> sessions) {
    if (sessions.isEmpty()) {
      return;
    }
    var down = sessions.stream().filter(s -> !s.established()).toList();
    if (down.isEmpty()) {
      conditions.set(
          Forwarder.BGP_SESSIONS_ESTABLISHED,
          true,
          "Established",
          "all "
              + sessions.size()
              + " BGP sessions established: "
              + String.join(", ", sessions.stream().map(s -> s.peer()).toList()));
    } else {
      conditions.set(
          Forwarder.BGP_SESSIONS_ESTABLISHED,
          false,
          SESSIONS_DOWN,
          down.size()
              + " of "
              + sessions.size()
              + " BGP sessions not established: "
              + String.join(
                  "; ",
                  down.stream()
                      .map(
                          s ->
                              "peer "
                                  + s.peer()
                                  + " (AS "
                                  + s.asn()
                                  + "): "
                                  + s.state()
                                  + (s.lastError() == null ? "" : ", " + s.lastError()))
                      .toList())
              + "; check the peer's address, AS number and password, and that it peers with"
              + " this forwarder");
    }
  }

  /** The reason of a BgpSessionsEstablished condition that is False. */
  static final String SESSIONS_DOWN = "SessionsNotEstablished";

  private static long established(List<BgpSessionStatus> sessions) {
    return sessions.stream().filter(BgpSessionStatus::established).count();
  }

  private static BgpSessionStatus session(BgpSession session) {
    return new BgpSessionStatus(
        session.getPeer(),
        (long) session.getPeerAsn(),
        session.getState().isEmpty() ? "Unknown" : session.getState(),
        session.getEstablished() && session.getEstablishedSinceUnixMillis() > 0
            ? time(Instant.ofEpochMilli(session.getEstablishedSinceUnixMillis()))
            : null,
        session.getPrefixesAdvertised(),
        session.getLastError().isEmpty() ? null : session.getLastError(),
        session.getBfdState().isEmpty() ? null : session.getBfdState(),
        session.getPoolsList().stream().sorted().toList());
  }

  StatusUpdate<ForwarderStatus> disconnected(Forwarder forwarder) {
    var previous = forwarder.getStatus();
    String lastSeen = previous == null ? null : previous.lastSeen();
    var conditions =
        conditions(forwarder)
            .set(
                Forwarder.CONNECTED,
                false,
                "Disconnected",
                (lastSeen == null ? "not connected" : "not connected since " + lastSeen)
                    + ": a running forwarder keeps forwarding with its last snapshot and redials;"
                    + " check its pod and its logs");
    if (previous != null && !previous.bgpSessions().isEmpty()) {
      conditions.set(
          Forwarder.BGP_SESSIONS_ESTABLISHED,
          false,
          "Disconnected",
          "not connected: its BGP sessions are unknown (a forwarder whose data path died has lost"
              + " them, and its routes with them)");
    }
    var status =
        new ForwarderStatus(
            previous == null ? null : previous.node(),
            previous == null ? List.of() : previous.capabilities(),
            previous == null
                ? List.of()
                : previous.ports().stream()
                    .map(
                        p ->
                            new ForwarderPort(
                                p.name(), p.mac(), p.addresses(), null, null, null, null, null))
                    .toList(),
            previous == null ? null : previous.appliedSnapshotVersion(),
            null,
            null,
            List.of(),
            List.of(),
            0,
            List.of(),
            0,
            previous == null ? List.of() : previous.addressConflicts(),
            null,
            null,
            lastSeen,
            conditions.build(),
            List.of(),
            null,
            List.of());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  private ConditionsBuilder conditions(Forwarder forwarder) {
    List<Condition> previous =
        forwarder.getStatus() == null ? List.of() : forwarder.getStatus().conditions();
    long generation =
        forwarder.getMetadata().getGeneration() == null
            ? 0
            : forwarder.getMetadata().getGeneration();
    return new ConditionsBuilder(previous, generation, clock);
  }

  private static ForwarderPort port(Port port, PortState counters) {
    return new ForwarderPort(
        port.getName(),
        port.getMac().isEmpty() ? null : port.getMac(),
        port.getAddressesList(),
        counters == null ? port.getLinkUp() : counters.getLinkUp(),
        counters == null ? null : counters.getRxPackets(),
        counters == null ? null : counters.getTxPackets(),
        counters == null ? null : counters.getDroppedPackets(),
        counters == null ? null : counters.getMissedPackets());
  }

  private static AddressConflictStatus conflict(AddressConflict c) {
    return new AddressConflictStatus(
        c.getAddress(),
        c.getMac(),
        c.getPeer().isBlank() ? null : c.getPeer(),
        c.getVia().isBlank() ? null : c.getVia(),
        c.getCount(),
        c.getLastSeenUnixMillis() == 0
            ? null
            : time(Instant.ofEpochMilli(c.getLastSeenUnixMillis())));
  }

  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
