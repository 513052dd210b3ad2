package io.gatun.operator.control;

import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
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

  List<Long> snapshotVersions() {
    return sent.stream()
        .map(OperatorMessage::getSnapshot)
        .map(Snapshot::getSnapshotVersion)
        .toList();
  }
}
