package io.gatun.operator.control;

import static io.gatun.operator.control.DesiredStateTest.desired;
import static io.gatun.operator.control.DesiredStateTest.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Capabilities;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.RefusedService;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.VipChanges;
import io.gatun.operator.control.Programming.ForwarderProgress;
import io.gatun.operator.control.Programming.State;
import io.gatun.operator.ipam.Owner;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fleet and the per-stream conversation, driven as gRPC would drive them, without a network.
 */
class ForwarderFleetTest {

  private final DesiredState desiredState = new DesiredState(100);
  private final ForwarderFleet fleet = new ForwarderFleet();
  private final List<String> heard = new ArrayList<>();
  private final Owner web = new Owner("default", "web");

  ForwarderFleetTest() {
    desiredState.addListener(fleet::sendLatestToAll);
    fleet.addListener(
        new FleetListener() {
          @Override
          public void membershipChanged() {
            heard.add("membership");
          }

          @Override
          public void progressed(String forwarder, long after, long upTo) {
            heard.add(forwarder + " " + after + ".." + upTo);
          }

          @Override
          public void refusalsChanged(Set<Owner> owners) {
            heard.add("refusals " + owners);
          }
        });
  }

  @Test
  void helloRegistersTheForwarderAndSendsTheLatestSnapshot() {
    long snapshotVersion = desiredState.publish(web, desired(service("default/web/http")));
    var stream = new RecordingStream();

    connect("fwd-a", stream);

    assertThat(stream.snapshotVersions()).containsExactly(snapshotVersion);
    assertThat(stream.sent.getFirst().getSnapshot().getServicesList()).hasSize(1);
    assertThat(fleet.names()).containsExactly("fwd-a");
    assertThat(heard).containsExactly("membership");
  }

  @Test
  void anAnswerIsAwaitedUntilEveryConnectedForwarderAppliedOrRejectedTheVersion() {
    long first = desiredState.publish(web, desired(service("v1")));
    assertThat(fleet.answerAwaited(first)).as("no forwarder: nobody will answer").isFalse();

    var a = connect("fwd-a", new RecordingStream());
    assertThat(fleet.answerAwaited(first)).isTrue();
    a.onNext(ack(first, true, ""));
    assertThat(fleet.answerAwaited(first)).isFalse();

    long second = desiredState.publish(web, desired(service("v2")));
    var b = connect("fwd-b", new RecordingStream());
    a.onNext(ack(second, true, ""));
    assertThat(fleet.answerAwaited(first)).as("fwd-b has answered nothing yet").isTrue();
    b.onNext(ack(second, false, "no room"));
    assertThat(fleet.answerAwaited(first)).isFalse();
    assertThat(fleet.answerAwaited(second)).isFalse();
    assertThat(fleet.answerAwaited(second + 1)).isTrue();
  }

  @Test
  void aSlowStreamOnlyEverGetsTheLatestSnapshot() {
    var stream = new RecordingStream();
    var conversation = connect("fwd-a", stream);
    conversation.onNext(ack(100, true, ""));
    stream.ready = false;

    desiredState.publish(web, desired(service("v1")));
    desiredState.publish(web, desired(service("v2")));
    long last = desiredState.publish(web, desired(service("v3")));
    assertThat(stream.snapshotVersions()).containsExactly(100L);

    stream.ready = true;
    conversation.onReady();
    conversation.onReady();

    assertThat(stream.snapshotVersions()).containsExactly(100L, last);
    assertThat(stream.sent.getLast().getSnapshot().getServices(0).getKey()).isEqualTo("v3");
  }

  @Test
  void changesMadeWhileASnapshotIsUnansweredAreCoalescedIntoTheNextOne() {
    var stream = new RecordingStream();
    var conversation = connect("fwd-a", stream);

    desiredState.publish(web, desired(service("v1")));
    desiredState.publish(web, desired(service("v2")));
    long last = desiredState.publish(web, desired(service("v3")));
    assertThat(stream.snapshotVersions()).as("100 is not answered yet").containsExactly(100L);

    conversation.onNext(ack(100, false, "could not apply"));

    assertThat(stream.snapshotVersions()).containsExactly(100L, last);
  }

  @Test
  void programmingFollowsTheAcknowledgementsOfEveryConnectedForwarder() {
    long snapshotVersion = desiredState.publish(web, desired(service("default/web/http")));
    assertThat(fleet.programming(snapshotVersion).state()).isEqualTo(State.NO_FORWARDERS);

    var a = connect("fwd-a", new RecordingStream());
    var b = connect("fwd-b", new RecordingStream());
    assertThat(fleet.programming(snapshotVersion).state()).isEqualTo(State.PENDING);

    a.onNext(ack(snapshotVersion, true, ""));
    assertThat(fleet.programming(snapshotVersion).forwarders())
        .containsExactly(
            new ForwarderProgress("fwd-a", true, snapshotVersion, null),
            new ForwarderProgress("fwd-b", false, 0, null));

    b.onNext(ack(snapshotVersion + 5, true, ""));
    assertThat(fleet.programming(snapshotVersion).state()).isEqualTo(State.PROGRAMMED);
    assertThat(heard).contains("fwd-a 0.." + snapshotVersion, "fwd-b 0.." + (snapshotVersion + 5));
  }

  @Test
  void aRejectionFailsProgrammingUntilALaterSnapshotVersionApplies() {
    long snapshotVersion = desiredState.publish(web, desired(service("default/web/http")));
    var a = connect("fwd-a", new RecordingStream());

    a.onNext(ack(snapshotVersion, false, "SCTP is not supported"));
    var programming = fleet.programming(snapshotVersion);
    assertThat(programming.state()).isEqualTo(State.FAILED);
    assertThat(programming.forwarders().getFirst().error()).isEqualTo("SCTP is not supported");

    long next = desiredState.publish(web, desired(service("default/web/http2")));
    a.onNext(ack(next, true, ""));
    assertThat(fleet.programming(next).state()).isEqualTo(State.PROGRAMMED);
  }

  @Test
  void aRefusedServiceFailsOnlyItsOwnLoadBalancerAndTheRestOfTheSnapshotVersionIsProgrammed() {
    var echo = new Owner("default", "echo");
    var webServices = desired(service("default/web/http"), service("default/web/dns"));
    var echoServices = desired(service("default/echo/http"));
    desiredState.publish(web, webServices);
    long snapshotVersion = desiredState.publish(echo, echoServices);
    var a = connect("fwd-a", new RecordingStream());
    heard.clear();

    a.onNext(
        ForwarderMessage.newBuilder()
            .setAck(
                Ack.newBuilder()
                    .setSnapshotVersion(snapshotVersion)
                    .setApplied(true)
                    .addRefused(
                        RefusedService.newBuilder()
                            .setServiceKey("default/web/dns")
                            .setError("no route to backend 10.0.0.9: add a route")))
            .build());

    var refused = fleet.programming(snapshotVersion, webServices);
    assertThat(refused.state()).isEqualTo(State.REFUSED);
    assertThat(refused.forwarders())
        .containsExactly(
            new ForwarderProgress(
                "fwd-a",
                false,
                snapshotVersion,
                "default/web/dns: no route to backend 10.0.0.9: add a route",
                true));
    assertThat(fleet.programming(snapshotVersion, echoServices).state())
        .isEqualTo(State.PROGRAMMED);
    assertThat(fleet.state("fwd-a").orElseThrow().refused())
        .containsExactly(Map.entry("default/web/dns", "no route to backend 10.0.0.9: add a route"));
    assertThat(heard).contains("refusals [default/web]");

    // The next snapshot version runs it: web's configuration (published earlier) is programmed now,
    // and it hears so although its snapshot version did not move.
    heard.clear();
    long next = desiredState.publish(new Owner("default", "other"), desired(service("x/y/z")));
    a.onNext(ack(next, true, ""));
    assertThat(fleet.programming(snapshotVersion, webServices).state()).isEqualTo(State.PROGRAMMED);
    assertThat(fleet.state("fwd-a").orElseThrow().refused()).isEmpty();
    assertThat(heard).contains("refusals [default/web]");
  }

  @Test
  void aWholeRejectionStillFailsEveryConfigurationOfTheSnapshotVersion() {
    var services = desired(service("default/web/http"));
    long snapshotVersion = desiredState.publish(web, services);
    var a = connect("fwd-a", new RecordingStream());

    a.onNext(ack(snapshotVersion, false, "snapshot could not be read"));

    assertThat(fleet.programming(snapshotVersion, services).state()).isEqualTo(State.FAILED);
  }

  @Test
  void aClosedStreamRemovesTheForwarderButAStaleOneDoesNotRemoveItsSuccessor() {
    var firstStream = new RecordingStream();
    var first = connect("fwd-a", firstStream);
    var secondStream = new RecordingStream();
    var second = connect("fwd-a", secondStream);

    assertThat(firstStream.failure.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    first.onError(Status.CANCELLED.asRuntimeException());
    assertThat(fleet.names()).containsExactly("fwd-a");

    second.onCompleted();
    assertThat(fleet.names()).isEmpty();
    assertThat(secondStream.completed).isTrue();
  }

  @Test
  void aForwarderLackingACapabilityMakesTheConfigurationUnsupportedAndSaysWhatItLacks() {
    long snapshotVersion = desiredState.publish(web, desired(service("default/web/http")));
    var stream = new RecordingStream();
    var conversation = new ForwarderConversation(fleet, desiredState, stream);
    conversation.onNext(
        ForwarderMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setForwarderName("fwd-a")
                    .setNodeName("node-a")
                    .setCapabilities(
                        Capabilities.newBuilder()
                            .addFamilies(Family.IPV4)
                            .addModes(ForwardingMode.FULL_NAT)
                            .addSchedulings(Scheduling.MAGLEV)
                            .addProtocols(Protocol.TCP)))
            .build());
    conversation.onNext(ack(snapshotVersion, true, ""));

    var programming =
        fleet.programming(
            snapshotVersion,
            Set.of(Family.IPV4, ForwardingMode.NAT, Scheduling.MAGLEV, Protocol.TCP));

    assertThat(programming.state()).isEqualTo(State.UNSUPPORTED);
    assertThat(programming.forwarders().getFirst().error())
        .isEqualTo("lacks NAT (offers FULL_NAT, IPV4, MAGLEV, TCP)");
    assertThat(fleet.programming(snapshotVersion, Set.of(Family.IPV4, Protocol.TCP)).state())
        .isEqualTo(State.PROGRAMMED);
  }

  @Test
  void aStreamMustStartWithHello() {
    var stream = new RecordingStream();
    var conversation = new ForwarderConversation(fleet, desiredState, stream);

    conversation.onNext(ack(1, true, ""));

    assertThat(stream.failure.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(fleet.names()).isEmpty();
  }

  @Test
  void aHelloFromTheFutureLiftsTheSnapshotVersionSoTheForwarderAcceptsOurs() {
    var stream = new RecordingStream();
    var conversation = new ForwarderConversation(fleet, desiredState, stream);

    conversation.onNext(hello("fwd-a", 9_000));

    assertThat(stream.snapshotVersions()).containsExactly(9_001L);
  }

  @Test
  void aForwarderOfferingDeltasGetsChangesOnlyAndACompleteSnapshotWhenItAsks() {
    desiredState.publish(web, desired(service("default/web/http")));
    var stream = new RecordingStream();
    var conversation = new ForwarderConversation(fleet, desiredState, stream);
    conversation.onNext(helloOffering("fwd-a", Feature.DELTA_SNAPSHOTS));
    long first = stream.snapshotVersions().getFirst();
    conversation.onNext(ack(first, true, ""));

    long second =
        desiredState.publish(new Owner("default", "api"), desired(service("default/api/http")));
    var delta = stream.sent.getLast().getDelta();
    assertThat(stream.completeOrDelta()).containsExactly(true, false);
    assertThat(delta.getBaseSnapshotVersion()).isEqualTo(first);
    assertThat(delta.getServicesList())
        .as("only the service added")
        .singleElement()
        .satisfies(v -> assertThat(v.getService().getKey()).isEqualTo("default/api/http"));

    conversation.onNext(
        ForwarderMessage.newBuilder()
            .setAck(
                Ack.newBuilder()
                    .setSnapshotVersion(second)
                    .setError("delta builds on a version it does not have")
                    .setFullSnapshotWanted(true))
            .build());

    assertThat(stream.completeOrDelta()).containsExactly(true, false, true);
    assertThat(stream.sent.getLast().getSnapshot().getServicesCount()).isEqualTo(2);
    assertThat(fleet.state("fwd-a").orElseThrow().rejectError())
        .as("a gap is no rejection users should see")
        .isNull();
  }

  /**
   * A forwarder advertising a VIP's host prefix (IPv4 /32, IPv6 /128) announces that VIP, and only
   * that one: a LoadBalancer asks by address among however many prefixes the forwarder advertises.
   */
  @Test
  void aVipIsAnnouncedByTheForwardersAdvertisingItsHostPrefix() {
    var stream = new RecordingStream();
    var conversation = new ForwarderConversation(fleet, desiredState, stream);
    conversation.onNext(
        ForwarderMessage.newBuilder()
            .setHello(Hello.newBuilder().setForwarderName("fwd-a").setNodeName("node"))
            .build());
    var advertising = Observation.newBuilder();
    for (int i = 1; i <= 200; i++) {
      advertising.addVipsAdvertised("198.18.1." + i + "/32");
    }
    conversation.onNext(observation(advertising.addVipsAdvertised("2001:2::5/128")));
    assertThat(fleet.announcers(List.of("198.18.1.7", "2001:2::5", "198.18.2.7", "2001:2::6")))
        .extracting(a -> a.address() + " " + a.forwarder() + " " + a.node())
        .containsExactly("198.18.1.7 fwd-a node", "2001:2::5 fwd-a node");
  }

  /**
   * A forwarder offering OBSERVATION_CHANGES is told the operator takes them, before its first
   * snapshot; its changes then make the VIPs it owns and advertises what complete observations
   * would, and changes that do not follow the last observation taken leave them as they were and
   * ask for a complete one, which sets them right.
   */
  @Test
  void observationChangesAreTakenAndAGapAsksForACompleteObservation() {
    desiredState.publish(web, desired(service("default/web/http")));
    var stream = new RecordingStream();
    var conversation = new ForwarderConversation(fleet, desiredState, stream);
    conversation.onNext(helloOffering("fwd-a", Feature.OBSERVATION_CHANGES));
    assertThat(stream.sent.getFirst().getObservationTerms().getTakesChanges()).isTrue();
    assertThat(stream.sent.get(1).hasSnapshot()).isTrue();

    conversation.onNext(
        observation(
            Observation.newBuilder()
                .setNumber(1)
                .addVipsOwned("198.18.0.10")
                .addVipsOwned("198.18.0.11")
                .addVipsAdvertised("198.18.0.10/32")));
    conversation.onNext(
        observation(
            Observation.newBuilder()
                .setNumber(2)
                .setVipChanges(
                    VipChanges.newBuilder()
                        .addOwnedGained("198.18.0.12")
                        .addOwnedLost("198.18.0.10")
                        .addAdvertisedAdded("198.18.0.12/32"))));
    assertThat(owned("fwd-a")).containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(fleet.state("fwd-a").orElseThrow().vipsAdvertised())
        .containsExactlyInAnyOrder("198.18.0.10/32", "198.18.0.12/32");
    assertThat(fleet.announcers(List.of("198.18.0.10", "198.18.0.12")))
        .extracting(a -> a.address() + " " + a.forwarder())
        .as("owned (L2) 198.18.0.12, advertised (BGP) both")
        .containsExactlyInAnyOrder("198.18.0.10 fwd-a", "198.18.0.12 fwd-a", "198.18.0.12 fwd-a");
    int sentBefore = stream.sent.size();

    conversation.onNext( // 3 never came
        observation(
            Observation.newBuilder()
                .setNumber(4)
                .setVipChanges(VipChanges.newBuilder().addOwnedGained("198.18.0.13"))));
    assertThat(owned("fwd-a"))
        .as("a gap changes nothing")
        .containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(stream.sent).hasSize(sentBefore + 1);
    ObservationTerms asked = stream.sent.getLast().getObservationTerms();
    assertThat(asked.getCompleteWantedAfter()).isEqualTo(4);
    assertThat(asked.getTakesChanges()).isTrue();
    conversation.onNext(
        observation(
            Observation.newBuilder()
                .setNumber(5)
                .setVipChanges(VipChanges.newBuilder().addOwnedGained("198.18.0.14"))));
    assertThat(owned("fwd-a"))
        .as("nor do changes after it")
        .containsExactly("198.18.0.11", "198.18.0.12");

    conversation.onNext(
        observation(
            Observation.newBuilder()
                .setNumber(6)
                .addVipsOwned("198.18.0.12")
                .addVipsOwned("198.18.0.13")
                .addVipsOwned("198.18.0.14")));
    assertThat(owned("fwd-a")).containsExactly("198.18.0.12", "198.18.0.13", "198.18.0.14");
    assertThat(fleet.state("fwd-a").orElseThrow().vipsAdvertised()).isEmpty();
    conversation.onNext(
        observation(
            Observation.newBuilder()
                .setNumber(7)
                .setVipChanges(VipChanges.newBuilder().addOwnedLost("198.18.0.12"))));
    assertThat(owned("fwd-a")).containsExactly("198.18.0.13", "198.18.0.14");
  }

  /** A forwarder from before observation changes is sent no terms, and lists its VIPs each time. */
  @Test
  void aForwarderNotOfferingObservationChangesIsToldNothingAndListsItsVipsAsBefore() {
    desiredState.publish(web, desired(service("default/web/http")));
    var stream = new RecordingStream();
    var conversation = connect("fwd-a", stream);
    assertThat(stream.sent).extracting(OperatorMessage::hasObservationTerms).containsOnly(false);

    conversation.onNext(observation(Observation.newBuilder().addVipsOwned("198.18.0.10")));
    conversation.onNext(
        observation(
            Observation.newBuilder().addVipsOwned("198.18.0.11").addVipsOwned("198.18.0.12")));
    assertThat(owned("fwd-a")).containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(stream.sent).extracting(OperatorMessage::hasObservationTerms).containsOnly(false);
  }

  private List<String> owned(String forwarder) {
    return fleet.state(forwarder).orElseThrow().vipsOwned().stream().sorted().toList();
  }

  private static ForwarderMessage observation(Observation.Builder observation) {
    return ForwarderMessage.newBuilder().setObservation(observation).build();
  }

  private ForwarderConversation connect(String name, RecordingStream stream) {
    var conversation = new ForwarderConversation(fleet, desiredState, stream);
    conversation.onNext(hello(name, 0));
    return conversation;
  }

  private static ForwarderMessage hello(String name, long applied) {
    return ForwarderMessage.newBuilder()
        .setHello(helloOf(name).setAppliedSnapshotVersion(applied))
        .build();
  }

  /** The Hello of a forwarder that has applied nothing yet and offers {@code feature}. */
  private static ForwarderMessage helloOffering(String name, Feature feature) {
    return ForwarderMessage.newBuilder()
        .setHello(helloOf(name).setCapabilities(Capabilities.newBuilder().addFeatures(feature)))
        .build();
  }

  private static Hello.Builder helloOf(String name) {
    return Hello.newBuilder().setForwarderName(name).setNodeName("node");
  }

  private static ForwarderMessage ack(long snapshotVersion, boolean applied, String error) {
    return ForwarderMessage.newBuilder()
        .setAck(
            Ack.newBuilder()
                .setSnapshotVersion(snapshotVersion)
                .setApplied(applied)
                .setError(error))
        .build();
  }
}
