package io.gatun.operator.pool;

import io.gatun.operator.api.Pool;
import io.gatun.operator.control.BgpSessionChange;
import io.gatun.operator.control.ForwarderFleet.PoolSession;
import io.gatun.operator.status.ConditionsBuilder;
import java.util.List;

/**
 * A BGP Pool's two BGP conditions.
 *
 * <ul>
 *   <li>BgpConfigured: Configured | PasswordSecretMissing | LocalASNConflict
 *   <li>BgpSessionsEstablished: Established | SessionsNotEstablished | NoSessions
 * </ul>
 */
final class BgpConditions {

  static final String SECRET_MISSING = "PasswordSecretMissing";
  static final String ASN_CONFLICT = "LocalASNConflict";
  static final String NOT_ESTABLISHED = "SessionsNotEstablished";
  static final String NO_SESSIONS = "NoSessions";

  private BgpConditions() {}

  static void set(
      ConditionsBuilder conditions, BgpPlanner.Planned planned, List<PoolSession> sessions) {
    configured(conditions, planned);
    sessions(conditions, sessions);
  }

  private static void configured(ConditionsBuilder conditions, BgpPlanner.Planned planned) {
    if (!planned.missingSecrets().isEmpty()) {
      var all = new java.util.ArrayList<>(planned.missingSecrets());
      all.addAll(planned.conflicts());
      conditions.set(Pool.BGP_CONFIGURED, false, SECRET_MISSING, String.join("; ", all));
    } else if (!planned.conflicts().isEmpty()) {
      conditions.set(
          Pool.BGP_CONFIGURED, false, ASN_CONFLICT, String.join("; ", planned.conflicts()));
    } else {
      conditions.set(
          Pool.BGP_CONFIGURED,
          true,
          "Configured",
          "AS "
              + planned.plan().localAsn()
              + " peering with "
              + String.join(
                  ", ",
                  planned.plan().neighbors().stream()
                      .map(
                          n ->
                              n.getAddress() + " (AS " + Integer.toUnsignedString(n.getAsn()) + ")")
                      .toList())
              + " on the forwarders "
              + (planned.plan().nodeSelector() == null
                  ? "of every node"
                  : "of the nodes announcement.nodeSelector selects"));
    }
  }

  private static void sessions(ConditionsBuilder conditions, List<PoolSession> sessions) {
    if (sessions.isEmpty()) {
      conditions.set(
          Pool.BGP_SESSIONS_ESTABLISHED,
          false,
          NO_SESSIONS,
          "no connected forwarder reports a session with this pool's peers yet: check that"
              + " forwarders run on the nodes announcement.nodeSelector selects");
      return;
    }
    var down = sessions.stream().filter(s -> !s.session().getEstablished()).toList();
    if (down.isEmpty()) {
      conditions.set(
          Pool.BGP_SESSIONS_ESTABLISHED,
          true,
          "Established",
          sessions.size()
              + " sessions established: "
              + String.join(
                  ", ",
                  sessions.stream()
                      .map(s -> s.forwarder() + " with " + s.session().getPeer())
                      .toList()));
      return;
    }
    conditions.set(
        Pool.BGP_SESSIONS_ESTABLISHED,
        false,
        NOT_ESTABLISHED,
        down.size()
            + " of "
            + sessions.size()
            + " sessions not established: "
            + String.join(
                "; ",
                down.stream()
                    .map(
                        s ->
                            "forwarder "
                                + s.forwarder()
                                + " (node "
                                + s.node()
                                + "): "
                                + BgpSessionChange.describe(s.session())
                                + ": "
                                + BgpSessionChange.why(s.session()))
                    .toList())
            + "; check the peer's address, AS number and password against the router's side");
  }
}
