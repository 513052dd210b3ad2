package io.gatun.operator.control;

import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.OperatorMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.BooleanSupplier;

/** The gRPC service: one {@link ForwarderConversation} per Connect call. */
public final class ControlPlaneService extends ControlPlaneGrpc.ControlPlaneImplBase {

  private final ForwarderFleet fleet;
  private final DesiredState desiredState;
  private final BooleanSupplier active;

  /**
   * @param active whether this replica serves forwarders now (the leader does; a standby refuses
   *     them, so they redial and reach the leader)
   */
  public ControlPlaneService(
      ForwarderFleet fleet, DesiredState desiredState, BooleanSupplier active) {
    this.fleet = fleet;
    this.desiredState = desiredState;
    this.active = active;
  }

  @Override
  public StreamObserver<ForwarderMessage> connect(StreamObserver<OperatorMessage> responses) {
    var call = (ServerCallStreamObserver<OperatorMessage>) responses;
    if (!active.getAsBoolean()) {
      call.onError(
          Status.UNAVAILABLE
              .withDescription("this operator replica is a standby; the leader serves forwarders")
              .asRuntimeException());
      return new StreamObserver<>() {
        @Override
        public void onNext(ForwarderMessage message) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    var conversation = new ForwarderConversation(fleet, desiredState, new GrpcOutboundStream(call));
    // Both handlers must be set before this method returns (gRPC's rule).
    call.setOnReadyHandler(conversation::onReady);
    call.setOnCancelHandler(conversation::onCancelled);
    return conversation;
  }
}
