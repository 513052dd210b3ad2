package io.gatun.operator.control;

import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.OperatorMessage;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The gRPC service: one {@link ForwarderConversation} per Connect call. */
public final class ControlPlaneService extends ControlPlaneGrpc.ControlPlaneImplBase {

  private final ForwarderFleet fleet;
  private final DesiredState desiredState;

  public ControlPlaneService(ForwarderFleet fleet, DesiredState desiredState) {
    this.fleet = fleet;
    this.desiredState = desiredState;
  }

  @Override
  public StreamObserver<ForwarderMessage> connect(StreamObserver<OperatorMessage> responses) {
    var call = (ServerCallStreamObserver<OperatorMessage>) responses;
    var conversation = new ForwarderConversation(fleet, desiredState, new GrpcOutboundStream(call));
    // Both handlers must be set before this method returns (gRPC's rule).
    call.setOnReadyHandler(conversation::onReady);
    call.setOnCancelHandler(conversation::onCancelled);
    return conversation;
  }
}
