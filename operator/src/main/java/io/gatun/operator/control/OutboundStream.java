package io.gatun.operator.control;

import io.gatun.control.v1.OperatorMessage;

/** The operator-to-forwarder half of one connection; a seam so tests need no network. */
interface OutboundStream {

  /** Whether a message can be sent now without piling up in a buffer. */
  boolean isReady();

  void send(OperatorMessage message);

  /** Ends the stream normally. */
  void complete();

  /** Ends the stream with an error status the forwarder sees. */
  void fail(io.grpc.Status status);
}
