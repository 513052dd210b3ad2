package io.gatun.operator.control;

import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.grpc.Status;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends one forwarder the latest snapshot, and only the latest.
 *
 * <p>Nothing is queued: {@link #sendLatest()} looks up the current snapshot at the moment the
 * stream can take it. A slow forwarder therefore skips the generations published while it was busy
 * and gets the newest one as soon as its stream drains (the transport calls {@link #sendLatest()}
 * again when it becomes ready).
 */
final class SnapshotSender {

  private final OutboundStream stream;
  private final Supplier<Optional<Snapshot>> latest;
  private long sentGeneration = -1;
  private boolean closed;

  SnapshotSender(OutboundStream stream, Supplier<Optional<Snapshot>> latest) {
    this.stream = stream;
    this.latest = latest;
  }

  synchronized void sendLatest() {
    if (closed || !stream.isReady()) {
      return;
    }
    Snapshot snapshot = latest.get().orElse(null);
    if (snapshot == null || snapshot.getGeneration() <= sentGeneration) {
      return;
    }
    stream.send(OperatorMessage.newBuilder().setSnapshot(snapshot).build());
    sentGeneration = snapshot.getGeneration();
  }

  synchronized long sentGeneration() {
    return sentGeneration;
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
