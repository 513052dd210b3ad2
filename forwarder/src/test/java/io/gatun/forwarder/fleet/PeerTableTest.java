package io.gatun.forwarder.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerTableTest {
  private static final long MS = 1_000_000;

  private final PeerTable table = new PeerTable(3);

  private static Advertisement ad(String id, int priority, long seq) {
    return new Advertisement("prod", id, "node-" + id, priority, seq, Duration.ofMillis(100));
  }

  @Test
  void aPeerLivesMultiplierIntervalsPlusTheSkewAfterItsLastAdvertisement() {
    assertThat(table.heard(ad("b", 128, 1), "02:00:00:00:00:02", 0))
        .isEqualTo(PeerTable.Change.JOINED);
    // 3 × 100 ms + (256 − 128) / 256 × 100 ms = 350 ms
    assertThat(table.expire(349 * MS)).isEmpty();
    assertThat(table.alive()).containsExactly("b");
    assertThat(table.expire(350 * MS)).extracting(Peer::id).containsExactly("b");
    assertThat(table.alive()).isEmpty();
  }

  @Test
  void everyAdvertisementPushesTheDeadlineOn() {
    table.heard(ad("b", 255, 1), "m", 0);
    assertThat(table.heard(ad("b", 255, 2), "m", 250 * MS)).isEqualTo(PeerTable.Change.REFRESHED);
    assertThat(table.expire(500 * MS)).isEmpty();
    assertThat(table.expire(551 * MS)).hasSize(1);
  }

  @Test
  void thePeersOwnIntervalCountsNotOurs() {
    table.heard(new Advertisement("prod", "slow", "n", 255, 1, Duration.ofSeconds(1)), "m", 0);
    assertThat(table.expire(2_000 * MS)).isEmpty();
    assertThat(table.expire(3_004 * MS)).hasSize(1);
  }

  @Test
  void priorityZeroRemovesAPeerAtOnce() {
    table.heard(ad("b", 100, 1), "m", 0);
    assertThat(table.heard(ad("b", 0, 2), "m", MS)).isEqualTo(PeerTable.Change.LEFT);
    assertThat(table.alive()).isEmpty();
    assertThat(table.heard(ad("c", 0, 1), "m2", MS))
        .as("a stranger leaving changes nothing")
        .isEqualTo(PeerTable.Change.REFRESHED);
  }

  @Test
  void aListeningPeerIsAliveAndSaysWhenItStartsClaiming() {
    Advertisement listening =
        new Advertisement("prod", "b", "n", 100, 1, Duration.ofMillis(100), true);
    assertThat(table.heard(listening, "m", 0)).isEqualTo(PeerTable.Change.JOINED);
    assertThat(table.alive()).containsExactly("b");
    assertThat(table.listening()).containsExactly("b");
    assertThat(table.heard(ad("b", 100, 2), "m", MS)).isEqualTo(PeerTable.Change.CLAIMING);
    assertThat(table.listening()).isEmpty();
    assertThat(
            table.heard(
                new Advertisement("prod", "b", "n", 100, 3, Duration.ofMillis(100), true),
                "m",
                2 * MS))
        .as("restarted within its down interval: listening again")
        .isEqualTo(PeerTable.Change.LISTENING);
    assertThat(table.listening()).containsExactly("b");
  }

  @Test
  void aPeersMacIsRememberedAfterItFellSilent() {
    table.heard(ad("b", 100, 1), "02:00:00:00:00:02", 0);
    table.expire(Long.MAX_VALUE / 2);
    assertThat(table.whoseMac("02:00:00:00:00:02")).contains("b");
    assertThat(table.whoseMac("02:00:00:00:00:99")).isEmpty();
  }
}
