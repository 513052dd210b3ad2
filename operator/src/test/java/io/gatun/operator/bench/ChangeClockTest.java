package io.gatun.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import io.gatun.control.v1.VersionedService;
import io.gatun.control.v1.VirtualService;
import org.junit.jupiter.api.Test;

/** The benchmark's clock stops a change only when the forwarder runs a version that holds it. */
class ChangeClockTest {

  private static VirtualService service(String key, String... addresses) {
    var s = VirtualService.newBuilder().setKey(key);
    for (String a : addresses) {
      s.addBackends(Backend.newBuilder().setAddress(a).setPort(8080).setWeight(1));
    }
    return s.build();
  }

  private static OperatorMessage delta(long version, VirtualService... services) {
    var d =
        SnapshotDelta.newBuilder().setSnapshotVersion(version).setBaseSnapshotVersion(version - 1);
    for (var s : services) {
      d.addServices(VersionedService.newBuilder().setService(s).setVersion(version));
    }
    return OperatorMessage.newBuilder().setDelta(d).build();
  }

  private static Ack ack(long version, boolean applied) {
    return Ack.newBuilder().setSnapshotVersion(version).setApplied(applied).build();
  }

  @Test
  void aChangeRunsOnceAVersionHoldingItIsApplied() {
    var clock = new ChangeClock();
    clock.writing("10.3.0.1", 1_000_000);
    clock.sent(delta(4, service("bench/lb-1/http", "10.1.0.2", "10.2.0.2")), 2_000_000);
    assertThat(clock.allApplied()).as("a message without the new address").isFalse();
    clock.sent(delta(5, service("bench/lb-0/http", "10.1.0.1", "10.3.0.1")), 3_000_000);
    clock.acked(ack(4, true), 4_000_000);
    assertThat(clock.allApplied()).as("an older version does not hold it").isFalse();
    clock.acked(ack(6, false), 5_000_000);
    assertThat(clock.allApplied()).as("a rejected message runs nothing").isFalse();
    clock.acked(ack(6, true), 9_000_000);
    assertThat(clock.allApplied()).isTrue();
    assertThat(clock.sortedMillis()).containsExactly(8.0);
  }

  @Test
  void aCompleteSnapshotCarriesChangesToo() {
    var clock = new ChangeClock();
    clock.writing("10.3.0.1", 0);
    clock.writing("10.3.0.2", 1_000_000);
    clock.sent(
        OperatorMessage.newBuilder()
            .setSnapshot(
                Snapshot.newBuilder()
                    .setSnapshotVersion(7)
                    .addServices(service("a", "10.3.0.1"))
                    .addServices(service("b", "10.3.0.2")))
            .build(),
        2_000_000);
    assertThat(clock.pending()).isEqualTo(2);
    clock.acked(ack(7, true), 3_000_000);
    assertThat(clock.sortedMillis()).containsExactly(2.0, 3.0);
    assertThat(ChangeClock.percentile(clock.sortedMillis(), 50)).isEqualTo(2.0);
    assertThat(ChangeClock.percentile(clock.sortedMillis(), 99)).isEqualTo(3.0);
  }

  @Test
  void aWatchDeliveringTheChangeSplitsItsTimeBeforeTheMessage() {
    var clock = new ChangeClock();
    clock.writing("10.3.0.1", 0);
    clock.writing("10.3.0.2", 0);
    clock.seen("10.3.0.1", 2_000_000);
    clock.seen("10.3.0.1", 3_000_000); // a second delivery (another event of the slice) is late
    clock.seen("10.9.9.9", 3_000_000); // no change brings it
    clock.sent(delta(5, service("bench/lb-0/http", "10.1.0.1", "10.3.0.1")), 5_000_000);
    clock.sent(delta(6, service("bench/lb-1/http", "10.1.0.2", "10.3.0.2")), 6_000_000);
    clock.seen("10.3.0.2", 7_000_000); // after the operator's message: another client's watch
    clock.acked(ack(6, true), 9_000_000);

    assertThat(clock.seenCount()).isEqualTo(2);
    assertThat(clock.sortedMillisToSeen()).containsExactly(2.0, 7.0);
    assertThat(clock.sortedMillisSeenToSent()).containsExactly(-1.0, 3.0);
  }
}
