package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnapshotSenderTest {

  private final AtomicLong now = new AtomicLong();
  private final AtomicLong snapshotVersion = new AtomicLong(1);
  private final RecordingStream stream = new RecordingStream();
  private final List<Runnable> scheduled = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private final SnapshotSender sender =
      new SnapshotSender(
          stream,
          LatestState.ofSnapshots(
              () ->
                  Optional.of(
                      Snapshot.newBuilder().setSnapshotVersion(snapshotVersion.get()).build())),
          now::get,
          (task, delay) -> {
            scheduled.add(task);
            delays.add(delay);
          });

  @Test
  void sendsTheNextSnapshotOnlyOnceTheForwarderAnswered() {
    sender.sendLatest();
    snapshotVersion.set(2);
    sender.sendLatest();
    assertThat(stream.snapshotVersions()).containsExactly(1L);

    sender.answered(1);
    sender.sendLatest();
    sender.sendLatest();

    assertThat(stream.snapshotVersions()).containsExactly(1L, 2L);
  }

  @Test
  void aForwarderThatNeverAnswersStillGetsTheLatestAfterAWhile() {
    sender.sendLatest();
    snapshotVersion.set(5);
    now.addAndGet(SnapshotSender.ANSWER_WAIT.toNanos() - 1);
    sender.sendLatest();
    assertThat(stream.snapshotVersions()).containsExactly(1L);

    now.addAndGet(1);
    sender.sendLatest();

    assertThat(stream.snapshotVersions()).containsExactly(1L, 5L);
  }

  @Test
  void withoutFurtherChangesTheRetryIsScheduledForWhenTheWaitEnds() {
    sender.sendLatest();
    snapshotVersion.set(2);
    now.addAndGet(1_000);
    sender.sendLatest();
    sender.sendLatest();

    assertThat(delays).containsExactly(SnapshotSender.ANSWER_WAIT.minusNanos(1_000));
    now.addAndGet(SnapshotSender.ANSWER_WAIT.toNanos());
    scheduled.getFirst().run();

    assertThat(stream.snapshotVersions()).containsExactly(1L, 2L);
  }

  @Test
  void aForwarderOfferingDeltasGetsTheFirstSnapshotCompleteThenOnlyWhatChanged() {
    sender.offerDeltas(true, true, true);
    sender.sendLatest();
    sender.answered(1);
    snapshotVersion.set(2);
    sender.sendLatest();
    sender.answered(2);

    assertThat(stream.snapshotVersions()).containsExactly(1L, 2L);
    assertThat(stream.completeOrDelta()).containsExactly(true, false);
    assertThat(stream.sent.getLast().getDelta().getBaseSnapshotVersion()).isEqualTo(1);
  }

  @Test
  void anAckAskingForACompleteSnapshotGetsOneEvenOfTheSameVersion() {
    sender.offerDeltas(true, true, true);
    sender.sendLatest();
    sender.answered(1);
    snapshotVersion.set(2);
    sender.sendLatest();

    sender.resync(2);
    sender.answered(2);
    sender.sendLatest();

    assertThat(stream.snapshotVersions()).containsExactly(1L, 2L, 2L);
    assertThat(stream.completeOrDelta()).containsExactly(true, false, true);
  }

  @Test
  void aLateRequestForAnOlderMessageDoesNotResyncAgain() {
    sender.offerDeltas(true, true, true);
    sender.sendLatest();
    sender.answered(1);
    snapshotVersion.set(2);
    sender.sendLatest();
    sender.resync(2);
    sender.answered(2);
    sender.sendLatest(); // complete, version 2

    sender.resync(1); // answers something sent before that complete snapshot
    snapshotVersion.set(3);
    sender.answered(2);
    sender.sendLatest();

    assertThat(stream.completeOrDelta()).containsExactly(true, false, true, false);
  }
}
