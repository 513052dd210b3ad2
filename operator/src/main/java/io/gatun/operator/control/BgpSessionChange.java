package io.gatun.operator.control;

import io.gatun.control.v1.BgpSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A forwarder's BGP session came up ({@code established}) or went down, as two of its observations
 * tell.
 *
 * @param session the session as the later observation reports it (for a session no longer reported,
 *     the earlier one)
 */
public record BgpSessionChange(String forwarder, BgpSession session, boolean established) {

  /**
   * The sessions that became established, or stopped being, from {@code before} to {@code after}
   * (by peer address); a session that appears already established counts as coming up, one that
   * disappears while established as going down.
   */
  static List<BgpSessionChange> between(
      String forwarder, List<BgpSession> before, List<BgpSession> after) {
    Map<String, BgpSession> was = byPeer(before);
    Map<String, BgpSession> now = byPeer(after);
    var changes = new ArrayList<BgpSessionChange>();
    now.forEach(
        (peer, session) -> {
          BgpSession old = was.get(peer);
          boolean wasUp = old != null && old.getEstablished();
          if (session.getEstablished() != wasUp) {
            changes.add(new BgpSessionChange(forwarder, session, session.getEstablished()));
          }
        });
    was.forEach(
        (peer, session) -> {
          if (!now.containsKey(peer) && session.getEstablished()) {
            changes.add(
                new BgpSessionChange(
                    forwarder,
                    session.toBuilder()
                        .setEstablished(false)
                        .setState("Removed")
                        .setLastError("no longer configured")
                        .build(),
                    false));
          }
        });
    return changes;
  }

  private static Map<String, BgpSession> byPeer(List<BgpSession> sessions) {
    return sessions.stream()
        .collect(Collectors.toMap(BgpSession::getPeer, Function.identity(), (a, b) -> b));
  }

  /** "peer 198.18.0.1 (AS 64513)": how messages name a session. */
  public static String describe(BgpSession session) {
    return "peer " + session.getPeer() + " (AS " + session.getPeerAsn() + ")";
  }

  /** Why a session is down, as FRR says it: its state and its last error. */
  public static String why(BgpSession session) {
    String state = session.getState().isEmpty() ? "not established" : session.getState();
    return session.getLastError().isEmpty() ? state : state + ", " + session.getLastError();
  }
}
