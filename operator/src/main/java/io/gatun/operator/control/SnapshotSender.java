package io.gatun.operator.control;

import io.gatun.control.delta.SentServices;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.OperatorMessage;
import io.grpc.Status;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Sends one forwarder the latest snapshot, and only the latest, one at a time.
 *
 * <p>Nothing is queued: {@link #sendLatest()} looks up the current snapshot at the moment it can
 * go. It can go when the stream can take it and the forwarder has answered (applied or rejected)
 * the previous one, as in xDS: changes made while a forwarder applies a snapshot are coalesced into
 * the next, so a burst of ten thousand changes costs a handful of snapshots, not ten thousand. A
 * forwarder that has not answered within {@link #ANSWER_WAIT} gets the latest anyway (a retry is
 * scheduled for then).
 *
 * <p>To a forwarder that offers deltas ({@link #offerDeltas}), every snapshot after the first goes
 * as what changed since the one before ({@link SentServices}), built from the keys the desired
 * state says changed since then ({@link LatestState}): a message costs what changed, not a pass
 * over every LoadBalancer. An Ack asking for a complete snapshot ({@link #resync}) gets one, even
 * of the version it already has.
 *
 * <p>The same stream carries the operator's {@link ObservationTerms} (whether it takes observations
 * as changes, and when it needs a complete one), which go at once.
 */
final class SnapshotSender {

  static final Duration ANSWER_WAIT = Duration.ofSeconds(5);

  private final OutboundStream stream;
  private final LatestState latest;
  private final LongSupplier nanoClock;
  private final BiConsumer<Runnable, Duration> later;
  private boolean retryScheduled;
  private long sentSnapshotVersion = -1;
  private long answeredSnapshotVersion = -1;
  private long sentAt;
  private boolean closed;
  private SentServices sent = new SentServices(false);
  private boolean resyncPending;

  SnapshotSender(OutboundStream stream, LatestState latest) {
    this(stream, latest, System::nanoTime, SnapshotSender::runLater);
  }

  /**
   * @param later runs a task after a delay (the retry when a forwarder does not answer)
   */
  SnapshotSender(
      OutboundStream stream,
      LatestState latest,
      LongSupplier nanoClock,
      BiConsumer<Runnable, Duration> later) {
    this.stream = stream;
    this.latest = latest;
    this.nanoClock = nanoClock;
    this.later = later;
  }

  synchronized void sendLatest() {
    if (closed || !stream.isReady()) {
      return;
    }
    if (awaitingAnswer()) {
      if (!retryScheduled) {
        retryScheduled = true;
        later.accept(
            () -> {
              synchronized (this) {
                retryScheduled = false;
              }
              sendLatest();
            },
            Duration.ofNanos(sentAt + ANSWER_WAIT.toNanos() - nanoClock.getAsLong()));
      }
      return;
    }
    // Built while the desired state holds still, from what changed since the version sent last.
    OperatorMessage message =
        latest
            .read(
                state ->
                    state.version() <= sentSnapshotVersion && !resyncPending
                        ? null
                        : sent.next(state))
            .orElse(null);
    if (message == null) {
      return;
    }
    resyncPending = false;
    stream.send(message);
    sentSnapshotVersion =
        message.hasDelta()
            ? message.getDelta().getSnapshotVersion()
            : message.getSnapshot().getSnapshotVersion();
    sentAt = nanoClock.getAsLong();
  }

  /**
   * Sends the operator's terms for the forwarder's observations now: a few bytes, so neither the
   * transport's readiness nor an awaited answer holds them back (the stream buffers them).
   */
  synchronized void send(ObservationTerms terms) {
    if (!closed) {
      stream.send(OperatorMessage.newBuilder().setObservationTerms(terms).build());
    }
  }

  /**
   * Whether the forwarder takes deltas, and the fleet's and the BGP configuration's changes in them
   * (its Hello said so); before anything is sent.
   */
  synchronized void offerDeltas(boolean deltas, boolean fleetDeltas, boolean bgpDeltas) {
    sent = new SentServices(deltas, fleetDeltas, bgpDeltas);
  }

  /** The forwarder's answer to {@code snapshotVersion} asked for a complete snapshot. */
  synchronized void resync(long snapshotVersion) {
    sent.resync(snapshotVersion);
    resyncPending = sent.resyncing();
  }

  /** The forwarder applied or rejected {@code snapshotVersion}: the next snapshot may go. */
  synchronized void answered(long snapshotVersion) {
    answeredSnapshotVersion = Math.max(answeredSnapshotVersion, snapshotVersion);
  }

  private static void runLater(Runnable task, Duration delay) {
    Thread.ofVirtual()
        .name("gatun-snapshot-retry")
        .start(
            () -> {
              try {
                Thread.sleep(delay.isNegative() ? Duration.ZERO : delay);
                task.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  private boolean awaitingAnswer() {
    return sentSnapshotVersion > answeredSnapshotVersion
        && nanoClock.getAsLong() - sentAt < ANSWER_WAIT.toNanos();
  }

  synchronized long sentSnapshotVersion() {
    return sentSnapshotVersion;
  }

  synchronized void complete() {
    if (!closed) {
      closed = true;
      stream.complete();
    }
  }

  synchronized void fail(Status status) {
    if (!closed) {
      closed = true;
      stream.fail(status);
    }
  }

  /** The transport has already ended the stream: send nothing more. */
  synchronized void markClosed() {
    closed = true;
  }
}
