package io.gatun.operator.control;

import io.gatun.control.v1.OperatorMessage;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/** An {@link OutboundStream} that records what it is sent; the test decides when it is ready. */
final class RecordingStream implements OutboundStream {

  boolean ready = true;
  final List<OperatorMessage> sent = new ArrayList<>();
  boolean completed;
  Status failure;

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void send(OperatorMessage message) {
    sent.add(message);
  }

  @Override
  public void complete() {
    completed = true;
  }

  @Override
  public void fail(Status status) {
    failure = status;
  }

  /** The snapshot version of every message sent, complete or delta. */
  List<Long> snapshotVersions() {
    return sent.stream()
        .map(
            m ->
                m.hasDelta()
                    ? m.getDelta().getSnapshotVersion()
                    : m.getSnapshot().getSnapshotVersion())
        .toList();
  }

  /** Whether each message sent was a complete snapshot (true) or a delta (false). */
  List<Boolean> completeOrDelta() {
    return sent.stream().map(OperatorMessage::hasSnapshot).toList();
  }
}
