package io.gatun.forwarder.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import io.gatun.control.v1.VersionedService;
import io.gatun.forwarder.health.Probes;
import io.gatun.forwarder.serving.ServingState;
import io.gatun.forwarder.serving.SnapshotApplier;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.Snapshots;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a real gRPC server on loopback standing in for the operator. */
class ControlChannelTest {
  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServingState serving =
      new ServingState(dataPlane, Probes.withDefaultTrust(), h -> {}, Clock.systemUTC(), registry);
  private final SnapshotApplier applier = new SnapshotApplier(serving, registry);
  private final FakeOperator operator = new FakeOperator();
  private final AtomicReference<List<String>> owned =
      new AtomicReference<>(List.of("198.18.0.200"));
  private ControlChannel channel;

  private void startForwarder() {
    channel =
        new ControlChannel(
            new ControlTransport(operator.target(), Optional.empty()),
            applier::apply,
            new ControlChannel.Reports() {
              @Override
              public Hello hello() {
                return Hello.newBuilder()
                    .setForwarderName("fwd-test")
                    .setAppliedSnapshotVersion(applier.lastSnapshotVersion())
                    .build();
              }

              @Override
              public Observation periodic() {
                return Observation.newBuilder().addAllVipsOwned(owned.get()).build();
              }

              @Override
              public Observation complete() {
                return periodic().toBuilder().setCompleteHealth(true).build();
              }
            },
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            registry);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                channel.run();
              } catch (InterruptedException ignored) {
                // test over
              }
            });
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    operator.close();
    serving.close();
  }

  @Test
  void helloAndCompleteHealthThenAcknowledgedSnapshotsThenAFullResyncAfterTheStreamDrops()
      throws Exception {
    startForwarder();

    StreamObserver<OperatorMessage> first = operator.nextStream();
    assertThat(operator.next(ForwarderMessage::hasHello).getHello().getAppliedSnapshotVersion())
        .isZero();
    assertThat(operator.next(ForwarderMessage::hasObservation).getObservation().getCompleteHealth())
        .as("the first observation on a stream is complete")
        .isTrue();

    first.onNext(FakeOperator.snapshot(Snapshots.snapshot(5, "198.18.0.11")));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getSnapshotVersion()).isEqualTo(5);
    first.onNext(FakeOperator.snapshot(Snapshots.snapshot(4, "198.18.0.12")));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied())
        .as("an older snapshot version is refused")
        .isFalse();
    assertThat(operator.next(m -> m.hasObservation() && !m.getObservation().getCompleteHealth()))
        .as("periodic observations keep the stream alive")
        .isNotNull();

    first.onCompleted(); // the operator goes away
    StreamObserver<OperatorMessage> second = operator.nextStream();
    assertThat(operator.next(ForwarderMessage::hasHello).getHello().getAppliedSnapshotVersion())
        .as("the Hello says what runs, so a new operator numbers above it")
        .isEqualTo(5);
    assertThat(operator.next(ForwarderMessage::hasObservation).getObservation().getCompleteHealth())
        .isTrue();
    second.onNext(FakeOperator.snapshot(Snapshots.snapshot(5, "198.18.0.11")));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
    second.onNext(FakeOperator.snapshot(Snapshots.snapshot(6, "198.18.0.13")));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
    assertThat(dataPlane.commits).hasSize(2);
    assertThat(registry.get("gatun.control.disconnects").counter().count()).isEqualTo(1);
  }

  @Test
  void aStaleSnapshotVersionOnANewStreamIsNeverAppliedOverANewerOne() throws Exception {
    startForwarder();
    StreamObserver<OperatorMessage> first = operator.nextStream();
    first.onNext(FakeOperator.snapshot(Snapshots.snapshot(9, "198.18.0.11")));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();

    first.onError(io.grpc.Status.UNAVAILABLE.asRuntimeException());
    StreamObserver<OperatorMessage> second = operator.nextStream();
    second.onNext(FakeOperator.snapshot(Snapshots.snapshot(3, "198.18.0.99")));

    var ack = operator.next(ForwarderMessage::hasAck).getAck();
    assertThat(ack.getApplied()).isFalse();
    assertThat(ack.getError()).contains("stale snapshot version 3 (running 9)");
    assertThat(dataPlane.last().getFirst().backends().getFirst().address().getHostAddress())
        .isEqualTo("198.18.0.11");
  }

  @Test
  void deltasAfterACompleteSnapshotAreAppliedAsTheSnapshotTheyStandForAndAGapAsksForAll()
      throws Exception {
    startForwarder();
    StreamObserver<OperatorMessage> stream = operator.nextStream();
    var web = Snapshots.service("198.18.0.11").build();
    var api = Snapshots.service("198.18.0.21").setKey("default/api/http").setPort(81).build();
    stream.onNext(
        FakeOperator.snapshot(
            Snapshot.newBuilder().setSnapshotVersion(5).addServices(api).addServices(web).build()));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();

    var web2 = Snapshots.service("198.18.0.11", "198.18.0.12").build();
    stream.onNext(
        OperatorMessage.newBuilder()
            .setDelta(
                SnapshotDelta.newBuilder()
                    .setSnapshotVersion(6)
                    .setBaseSnapshotVersion(5)
                    .addServices(VersionedService.newBuilder().setService(web2).setVersion(6))
                    .addRemoved("default/api/http"))
            .build());
    var ack = operator.next(ForwarderMessage::hasAck).getAck();
    assertThat(ack.getSnapshotVersion()).isEqualTo(6);
    assertThat(ack.getApplied()).isTrue();
    assertThat(dataPlane.last())
        .as("api removed, web with its two backends: what a complete snapshot 6 gives")
        .singleElement()
        .satisfies(s -> assertThat(s.backends()).hasSize(2));

    stream.onNext(
        OperatorMessage.newBuilder()
            .setDelta(
                SnapshotDelta.newBuilder()
                    .setSnapshotVersion(8)
                    .setBaseSnapshotVersion(7)
                    .addRemoved("default/web/http"))
            .build());
    var gap = operator.next(ForwarderMessage::hasAck).getAck();
    assertThat(gap.getFullSnapshotWanted()).as("7 never came: a gap").isTrue();
    assertThat(gap.getApplied()).isFalse();
    assertThat(dataPlane.last()).as("nothing applied from a gapped delta").hasSize(1);
    assertThat(
            registry.get("gatun.control.snapshot.messages").tag("kind", "delta").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("gatun.control.snapshot.messages").tag("kind", "gap").counter().count())
        .isEqualTo(1);
  }

  /**
   * An operator that does not say it takes changes (as one from before them) gets every VIP in
   * every observation; once its terms take them, only the VIPs gained and lost go, numbered; and
   * when it asks for a complete one, one goes at once, not at the next period.
   */
  @Test
  void observationsCarryOnlyTheVipsChangedOnceTheOperatorTakesThemAndAllWhenItAsks()
      throws Exception {
    startForwarder();
    StreamObserver<OperatorMessage> stream = operator.nextStream();
    Observation first = operator.next(ForwarderMessage::hasObservation).getObservation();
    assertThat(first.getNumber()).isEqualTo(1);
    assertThat(first.hasVipChanges()).isFalse();
    assertThat(first.getVipsOwnedList()).containsExactly("198.18.0.200");
    stream.onNext(FakeOperator.snapshot(Snapshots.snapshot(5, "198.18.0.11"))); // it speaks
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
    Observation untold = operator.next(ForwarderMessage::hasObservation).getObservation();
    assertThat(untold.hasVipChanges()).as("no terms yet: complete").isFalse();
    assertThat(untold.getVipsOwnedList()).containsExactly("198.18.0.200");

    stream.onNext(
        OperatorMessage.newBuilder()
            .setObservationTerms(ObservationTerms.newBuilder().setTakesChanges(true))
            .build());
    Observation before =
        operator
            .next(m -> m.hasObservation() && m.getObservation().hasVipChanges())
            .getObservation();
    assertThat(before.getVipsOwnedList()).as("the VIPs are not repeated").isEmpty();
    owned.set(List.of("198.18.0.200", "198.18.0.201"));
    Observation changed = operator.next(ForwarderMessage::hasObservation).getObservation();
    while (changed.getVipChanges().getOwnedGainedCount() == 0) { // built before the change
      assertThat(changed.hasVipChanges()).isTrue();
      before = changed;
      changed = operator.next(ForwarderMessage::hasObservation).getObservation();
    }
    assertThat(changed.getNumber()).as("numbered one by one").isEqualTo(before.getNumber() + 1);
    assertThat(changed.getVipsOwnedList()).isEmpty();
    assertThat(changed.getVipChanges().getOwnedGainedList()).containsExactly("198.18.0.201");
    assertThat(changed.getVipChanges().getOwnedLostList()).isEmpty();
    Observation unchanged = operator.next(ForwarderMessage::hasObservation).getObservation();
    assertThat(unchanged.getNumber()).isEqualTo(changed.getNumber() + 1);
    assertThat(unchanged.hasVipChanges()).as("periodic, nothing changed: empty changes").isTrue();
    assertThat(unchanged.getVipChanges().getOwnedGainedCount()).isZero();

    stream.onNext(
        OperatorMessage.newBuilder()
            .setObservationTerms(
                ObservationTerms.newBuilder()
                    .setTakesChanges(true)
                    .setCompleteWantedAfter(unchanged.getNumber()))
            .build());
    Observation whole =
        operator
            .next(m -> m.hasObservation() && !m.getObservation().hasVipChanges())
            .getObservation();
    assertThat(whole.getVipsOwnedList()).containsExactly("198.18.0.200", "198.18.0.201");
    assertThat(whole.getNumber())
        .as("asked for after %d", unchanged.getNumber())
        .isGreaterThan(unchanged.getNumber());
    assertThat(registry.get("gatun.control.observations").tag("kind", "changes").counter().count())
        .isGreaterThanOrEqualTo(2);
  }
}
