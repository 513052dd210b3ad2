package io.gatun.operator.control;

import io.gatun.control.v1.OperatorMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/** {@link OutboundStream} over a gRPC server call. */
final class GrpcOutboundStream implements OutboundStream {

  private final ServerCallStreamObserver<OperatorMessage> call;

  GrpcOutboundStream(ServerCallStreamObserver<OperatorMessage> call) {
    this.call = call;
  }

  @Override
  public boolean isReady() {
    return call.isReady() && !call.isCancelled();
  }

  @Override
  public void send(OperatorMessage message) {
    call.onNext(message);
  }

  @Override
  public void complete() {
    call.onCompleted();
  }

  @Override
  public void fail(Status status) {
    call.onError(status.asRuntimeException());
  }
}
