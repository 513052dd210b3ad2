package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gatun.control.v1.BgpSession;
import java.util.List;
import org.junit.jupiter.api.Test;

class BgpSessionChangeTest {

  @Test
  void sessionsComingUpGoingDownAndGoingAwayEstablishedAreNewsOthersAreNot() {
    var before =
        List.of(
            session("198.18.0.1", true, ""),
            session("198.18.0.2", false, "Connect"),
            session("198.18.0.3", true, ""),
            session("198.18.0.4", false, "Active"));
    var after =
        List.of(
            session("198.18.0.1", false, "Hold Timer Expired"),
            session("198.18.0.2", true, ""),
            session("198.18.0.4", false, "Bad Peer AS"),
            session("198.18.0.5", true, ""));

    assertThat(BgpSessionChange.between("fwd-a", before, after))
        .extracting(c -> c.session().getPeer(), BgpSessionChange::established)
        .containsExactlyInAnyOrder(
            tuple("198.18.0.1", false),
            tuple("198.18.0.2", true),
            tuple("198.18.0.3", false),
            tuple("198.18.0.5", true));
  }

  @Test
  void aSessionDownIsDescribedByItsStateAndFrrsLastError() {
    var down = session("198.18.0.1", false, "Bad Peer AS");

    assertThat(BgpSessionChange.describe(down)).isEqualTo("peer 198.18.0.1 (AS 64500)");
    assertThat(BgpSessionChange.why(down)).isEqualTo("Active, Bad Peer AS");
    assertThat(BgpSessionChange.why(down.toBuilder().clearLastError().clearState().build()))
        .isEqualTo("not established");
  }

  private static BgpSession session(String peer, boolean established, String error) {
    return BgpSession.newBuilder()
        .setPeer(peer)
        .setPeerAsn(64500)
        .setState(established ? "Established" : "Active")
        .setEstablished(established)
        .setLastError(error)
        .build();
  }
}
