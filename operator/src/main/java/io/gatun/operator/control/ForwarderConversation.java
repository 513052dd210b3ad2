package io.gatun.operator.control;

import io.gatun.control.delta.DesiredVersion;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarder's stream, from its Hello to its end: Hello registers it and sends it the latest
 * snapshot; Acks record its progress; the end of the stream removes it.
 *
 * <p>gRPC delivers this object's callbacks one at a time, so its own state needs no lock.
 */
final class ForwarderConversation implements StreamObserver<ForwarderMessage> {

  private static final Logger log = LoggerFactory.getLogger(ForwarderConversation.class);

  private final ForwarderFleet fleet;
  private final DesiredState desiredState;
  private final SnapshotSender sender;
  private volatile ForwarderFleet.Member member; // null until Hello

  ForwarderConversation(ForwarderFleet fleet, DesiredState desiredState, OutboundStream stream) {
    this.fleet = fleet;
    this.desiredState = desiredState;
    // The snapshot depends on who the forwarder is: nothing goes out before its Hello.
    this.sender =
        new SnapshotSender(
            stream,
            new LatestState() {
              @Override
              public <T> Optional<T> read(Function<DesiredVersion, T> reader) {
                var known = member;
                return known == null ? Optional.empty() : desiredState.read(known.view(), reader);
              }
            });
  }

  /** The transport can take another message. */
  void onReady() {
    if (member != null) {
      sender.sendLatest();
    }
  }

  @Override
  public void onNext(ForwarderMessage message) {
    switch (message.getKindCase()) {
      case HELLO -> hello(message.getHello());
      case ACK -> {
        if (member == null) {
          refuse("the first message must be a Hello");
          return;
        }
        Ack ack = message.getAck();
        if (ack.getFullSnapshotWanted()) {
          // A gap in deltas, not a verdict on the snapshot: nothing for users to see.
          sender.resync(ack.getSnapshotVersion());
        } else {
          fleet.acknowledged(member, ack);
        }
        sender.answered(ack.getSnapshotVersion());
        sender.sendLatest();
      }
      case OBSERVATION -> {
        if (member == null) {
          refuse("the first message must be a Hello");
          return;
        }
        Observation observation = message.getObservation();
        if (fleet.observed(member, observation)) {
          log.debug(
              "Forwarder {}: observation {} does not follow the last one taken; asking for a"
                  + " complete one",
              member.name(),
              observation.getNumber());
          sender.send(
              ObservationTerms.newBuilder()
                  .setTakesChanges(true)
                  .setCompleteWantedAfter(observation.getNumber())
                  .build());
        }
      }
      case KIND_NOT_SET -> refuse("empty message");
    }
  }

  private void hello(Hello hello) {
    if (member != null) {
      refuse("Hello may be sent once per stream");
      return;
    }
    if (hello.getForwarderName().isBlank()) {
      refuse("Hello needs a forwarder_name");
      return;
    }
    // Snapshot versions keep growing across operator restarts: what this forwarder runs may come
    // from a previous instance, and it would ignore anything not newer.
    desiredState.advancePast(hello.getAppliedSnapshotVersion());
    var features = hello.getCapabilities().getFeaturesList();
    sender.offerDeltas(
        features.contains(Feature.DELTA_SNAPSHOTS),
        features.contains(Feature.FLEET_DELTAS),
        features.contains(Feature.BGP_DELTAS));
    if (features.contains(Feature.OBSERVATION_CHANGES)) {
      // Its observations may then say only how its VIPs changed (an older forwarder does not know
      // these terms, and is not sent them).
      sender.send(ObservationTerms.newBuilder().setTakesChanges(true).build());
    }
    member = fleet.join(hello, sender);
    sender.sendLatest();
  }

  private void refuse(String why) {
    log.warn("Closing a forwarder stream: {}", why);
    sender.fail(Status.INVALID_ARGUMENT.withDescription(why));
    end(why);
  }

  @Override
  public void onError(Throwable error) {
    sender.markClosed();
    end(Status.fromThrowable(error).getCode().toString());
  }

  @Override
  public void onCompleted() {
    sender.complete();
    end("stream completed");
  }

  /** The forwarder cancelled the call (or its connection died). */
  void onCancelled() {
    sender.markClosed();
    end("cancelled");
  }

  private void end(String why) {
    if (member != null) {
      fleet.leave(member, why);
    }
  }
}
