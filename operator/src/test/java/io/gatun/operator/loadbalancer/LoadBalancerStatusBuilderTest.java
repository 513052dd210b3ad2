package io.gatun.operator.loadbalancer;

import static io.gatun.operator.testing.Fixtures.loadBalancer;
import static io.gatun.operator.testing.Fixtures.port;
import static io.gatun.operator.testing.Fixtures.spec;
import static io.gatun.operator.testing.Fixtures.staticBackends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ConditionStatus;
import io.gatun.operator.api.ForwarderProgramming;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.api.VipAnnouncement;
import io.gatun.operator.backends.BackendHealthReport;
import io.gatun.operator.backends.BackendSet;
import io.gatun.operator.backends.StaticBackends;
import io.gatun.operator.backends.UsableBackends;
import io.gatun.operator.control.ConflictNews;
import io.gatun.operator.control.CurrentConflict;
import io.gatun.operator.control.Programming;
import io.gatun.operator.control.Programming.ForwarderProgress;
import io.gatun.operator.control.VipAnnouncer;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.StatusUpdate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadBalancerStatusBuilderTest {

  private final LoadBalancerStatusBuilder builder =
      new LoadBalancerStatusBuilder(
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  private final LoadBalancer lb =
      loadBalancer(
          "web", spec(staticBackends("198.18.0.11"), port("http", Protocol.TCP, 80, 8080)));
  private static final ConditionStatus TRUE = ConditionStatus.True;
  private final Validation valid = Validation.OK;
  private final AddressOutcome allocated =
      new AddressOutcome.Held(
          List.of(IpAddress.parse("198.18.0.200")),
          "demo",
          Set.of(),
          AddressOutcome.ALLOCATED,
          "198.18.0.200 from Pool demo");
  private final BackendSet oneBackend =
      StaticBackends.of(List.of(new StaticBackend("198.18.0.11", null, null)));
  private final Programming programmedOnFwdA =
      new Programming(
          42,
          Programming.State.PROGRAMMED,
          List.of(new ForwarderProgress("fwd-a", true, 42, null)));

  @Test
  void readyWhenValidAllocatedProgrammedAndBackendsAreHealthy() {
    var update =
        builder.build(
            lb, new LoadBalancerOutcome(valid, allocated, oneBackend, null, programmedOnFwdA));

    var status = update.status();
    assertThat(status.addresses()).containsExactly("198.18.0.200");
    assertThat(status.addressSummary()).isEqualTo("198.18.0.200");
    assertThat(status.pool()).isEqualTo("demo");
    assertThat(status.ports()).isEqualTo("80/TCP");
    assertThat(status.backends()).isEqualTo(new BackendCounts(1, 1, null, "1/1"));
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(status.snapshotVersion()).isEqualTo(42L);
    assertThat(status.forwarders())
        .as("the applied snapshot version only while it lags")
        .containsExactly(new ForwarderProgramming("fwd-a", true, null, null));
    assertThat(status.conditions())
        .extracting(Condition::type, Condition::status, Condition::reason, Condition::message)
        .containsExactly(
            tuple("Valid", TRUE, "Valid", "the spec is valid"),
            tuple("Allocated", TRUE, "Allocated", "198.18.0.200 from Pool demo"),
            tuple("Programmed", TRUE, "Programmed", "snapshot version 42 runs on fwd-a"),
            tuple("BackendsHealthy", TRUE, "Healthy", "1 of 1 backend takes traffic"),
            tuple(
                "Announced",
                ConditionStatus.False,
                "NotAnnounced",
                "no forwarder answers for 198.18.0.200: none of the forwarders the Pool's"
                    + " announcement allows (nodeSelector, interfaces; with"
                    + " externalTrafficPolicy Local, nodes with a ready endpoint) is alive and"
                    + " serving it: check the forwarders (kubectl get forwarders) and the Pool"),
            tuple("Ready", TRUE, "Ready", "serving 198.18.0.200 (80/TCP) with 1 backend"));
    assertThat(status.conditions())
        .allSatisfy(c -> assertThat(c.lastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z"));
  }

  @Test
  void announcedNamesWhoAnswersForEachVipAndAConflictTurnsItFalse() {
    var since = Instant.parse("2026-01-01T00:00:00.250Z");
    var announcers = List.of(new VipAnnouncer("198.18.0.200", "fwd-b", "node-b", since));
    var announced =
        builder.build(lb, outcome(new Announcing(List.of(), announcers, List.of()))).status();
    assertThat(announced.announcedBy()).containsExactly("fwd-b");
    assertThat(announced.announcements())
        .containsExactly(
            new VipAnnouncement("198.18.0.200", "fwd-b", "node-b", "2026-01-01T00:00:00Z"));
    assertThat(stateOf(announced.conditions(), "Announced"))
        .isEqualTo("True/Announced/198.18.0.200 by fwd-b on node-b");

    var conflict =
        new CurrentConflict(
            new ConflictNews(
                "198.18.0.200", "fwd-b", "node-b", "02:00:00:00:00:99", null, "ARP", 2),
            since.plusSeconds(30));
    var conflicted =
        builder
            .build(lb, outcome(new Announcing(List.of(), announcers, List.of(conflict))))
            .status();
    assertThat(stateOf(conflicted.conditions(), "Announced"))
        .startsWith(
            "False/AddressConflict/198.18.0.200: MAC 02:00:00:00:00:99 answers for it too (no"
                + " forwarder of this fleet), seen by fwd-b (node-b) via ARP 2 times");
    assertThat(stateOf(conflicted.conditions(), "Ready")).startsWith("True/Ready");
  }

  private LoadBalancerOutcome outcome(Announcing announcing) {
    return new LoadBalancerOutcome(
        valid,
        allocated,
        oneBackend,
        null,
        BackendHealthReport.NONE,
        programmedOnFwdA,
        announcing,
        DrainingBackends.Drain.NONE);
  }

  /** "status/reason/message" of a condition. */
  private static String stateOf(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.status() + "/" + c.reason() + "/" + c.message())
        .findFirst()
        .orElse("absent");
  }

  @Test
  void zeroHealthyBackendsKeepsItNotReadyAndSaysWhy() {
    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(
                valid, allocated, StaticBackends.of(List.of()), null, programmedOnFwdA));

    assertThat(ready(update))
        .containsExactly(
            "False", "NoHealthyBackends", "spec.backends.static lists no backend: add one");
    assertThat(condition(update, "BackendsHealthy").reason()).isEqualTo("NoHealthyBackends");
  }

  @Test
  void backendsLeftOutForTheForwardersAreNamedInBackendsHealthy() {
    var dualStackPods =
        UsableBackends.of(
            StaticBackends.of(
                List.of(
                    new StaticBackend("198.18.0.11", null, null),
                    new StaticBackend("2001:2::11", null, null))),
            lb.getSpec(),
            allocated.addresses());

    var update =
        builder.build(
            lb, new LoadBalancerOutcome(valid, allocated, dualStackPods, null, programmedOnFwdA));

    assertThat(condition(update, "BackendsHealthy").message())
        .isEqualTo(
            "1 of 1 backend takes traffic; 1 backend of another family than the VIP (IPv4 only)"
                + " is left out, since forwarders do not translate between families: 2001:2::11");
    assertThat(ready(update)[0]).isEqualTo("True");
  }

  @Test
  void aRefusedServiceIsProgrammedFalseRefusedNamingTheForwarderAndWhy() {
    var programming =
        new Programming(
            42,
            Programming.State.REFUSED,
            List.of(
                new ForwarderProgress(
                    "fwd-a", false, 42, "default/web/http: no route to backend 198.18.0.11", true),
                new ForwarderProgress("fwd-b", true, 42, null),
                new ForwarderProgress("fwd-c", false, 42, "lacks nat (offers fullnat)")));

    var update =
        builder.build(lb, new LoadBalancerOutcome(valid, allocated, oneBackend, null, programming));

    String message =
        "fwd-a refused default/web/http: no route to backend 198.18.0.11; its other services, and"
            + " every other LoadBalancer, run: fix what the forwarder names in the spec (or on the"
            + " forwarder's side)";
    assertThat(condition(update, "Programmed"))
        .extracting(Condition::status, Condition::reason, Condition::message)
        .containsExactly(ConditionStatus.False, "Refused", message);
    assertThat(ready(update)).containsExactly("False", "Refused", message);
  }

  @Test
  void aMissingHealthProbeMakesBackendsHealthyFalseButLeavesTrafficFlowing() {
    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(
                valid,
                allocated,
                oneBackend,
                ProbeProblem.notFound("web-check"),
                programmedOnFwdA));

    assertThat(condition(update, "BackendsHealthy"))
        .extracting(Condition::status, Condition::reason, Condition::message)
        .containsExactly(
            ConditionStatus.False,
            "HealthProbeNotFound",
            "HealthProbe web-check does not exist, so no backend is probed: 1 of 1 backend takes"
                + " traffic on their readiness alone: create it, or fix or remove"
                + " spec.healthProbeRef");
    assertThat(ready(update))
        .containsExactly(
            "True",
            "Ready",
            "serving 198.18.0.200 (80/TCP) with 1 backend, unprobed: HealthProbe web-check does"
                + " not exist");
  }

  @Test
  void withoutHealthyBackendsAnInvalidHealthProbeIsNamedInNoHealthyBackends() {
    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(
                valid,
                allocated,
                StaticBackends.of(List.of()),
                ProbeProblem.invalid("web-check", "spec.type is missing"),
                programmedOnFwdA));

    assertThat(ready(update))
        .containsExactly(
            "False",
            "NoHealthyBackends",
            "spec.backends.static lists no backend: add one; HealthProbe web-check is not valid"
                + " (spec.type is missing), so the backends are not probed: fix the HealthProbe,"
                + " or name another in spec.healthProbeRef");
  }

  @Test
  void anExhaustedPoolMakesReadyFalseWithTheSameReasonAndRemedy() {
    var exhausted =
        new AddressOutcome.NotAllocated(
            AddressOutcome.POOL_EXHAUSTED,
            "Pool demo has no free IPv4 address (demo 1 of 1 IPv4 in use): add addresses");

    var update =
        builder.build(lb, new LoadBalancerOutcome(valid, exhausted, oneBackend, null, null));

    assertThat(update.status().addresses()).isEmpty();
    assertThat(update.status().addressSummary()).isNull();
    assertThat(condition(update, "Allocated").reason()).isEqualTo("PoolExhausted");
    assertThat(condition(update, "Programmed").reason()).isEqualTo("NotAllocated");
    assertThat(ready(update))
        .containsExactly(
            "False",
            "PoolExhausted",
            "Pool demo has no free IPv4 address (demo 1 of 1 IPv4 in use): add addresses");
  }

  @Test
  void aRejectedSnapshotNamesTheForwarderAndItsError() {
    var programming =
        new Programming(
            7,
            Programming.State.FAILED,
            List.of(new ForwarderProgress("fwd-a", false, 6, "no SCTP")));

    var update =
        builder.build(lb, new LoadBalancerOutcome(valid, allocated, oneBackend, null, programming));

    assertThat(condition(update, "Programmed").reason()).isEqualTo("ApplyFailed");
    assertThat(condition(update, "Programmed").message())
        .startsWith("fwd-a rejected snapshot version 7: no SCTP; the previous configuration stays");
    assertThat(update.status().forwarders())
        .containsExactly(new ForwarderProgramming("fwd-a", false, 6L, "no SCTP"));
    assertThat(ready(update)[1]).isEqualTo("ApplyFailed");
  }

  @Test
  void aForwarderLackingACapabilitySaysWhatItLacksAndWhatToDo() {
    var programming =
        new Programming(
            7,
            Programming.State.UNSUPPORTED,
            List.of(new ForwarderProgress("fwd-a", false, 7, "lacks nat (offers fullnat, ipv4)")));

    var update =
        builder.build(lb, new LoadBalancerOutcome(valid, allocated, oneBackend, null, programming));

    assertThat(condition(update, "Programmed").message())
        .startsWith("fwd-a cannot run this LoadBalancer: it lacks nat (offers fullnat, ipv4)");
    assertThat(ready(update)[1]).isEqualTo("Unsupported");
  }

  @Test
  void anInvalidSpecIsReportedOnValidAndReadyAndProgramsNothing() {
    var invalid =
        new Validation(
            List.of("spec.backends: backends needs exactly one of serviceRef, selector or static"),
            List.of("spec.draining is not carried to forwarders by this version"));
    var notValid =
        new AddressOutcome.NotAllocated(AddressOutcome.NOT_VALID, "nothing is allocated");

    var update =
        builder.build(lb, new LoadBalancerOutcome(invalid, notValid, oneBackend, null, null));

    assertThat(condition(update, "Valid").reason()).isEqualTo("Invalid");
    assertThat(condition(update, "Valid").message())
        .isEqualTo(
            "spec.backends: backends needs exactly one of serviceRef, selector or static;"
                + " spec.draining is not carried to forwarders by this version");
    assertThat(condition(update, "Programmed").reason()).isEqualTo("NotValid");
    assertThat(ready(update)[1]).isEqualTo("Invalid");
    assertThat(update.status().ports()).isNull();
  }

  @Test
  void anAddressOutsideItsPoolStaysReadyButAllocatedSaysWhy() {
    var outside =
        new AddressOutcome.Held(
            List.of(IpAddress.parse("198.18.0.200")),
            "demo",
            Set.of(new Owner("default", "dns")),
            AddressOutcome.OUTSIDE_POOL,
            "keeps 198.18.0.200 from Pool demo, although ...");

    var update =
        builder.build(
            lb, new LoadBalancerOutcome(valid, outside, oneBackend, null, programmedOnFwdA));

    assertThat(condition(update, "Allocated").reason()).isEqualTo("OutsidePool");
    assertThat(ready(update)[0]).isEqualTo("True");
    assertThat(update.status().sharedWith()).containsExactly("dns");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusFlips() {
    var first =
        builder.build(
            lb, new LoadBalancerOutcome(valid, allocated, oneBackend, null, programmedOnFwdA));
    lb.setStatus(first.status());
    var later =
        new LoadBalancerStatusBuilder(
            Clock.fixed(Instant.parse("2026-01-01T01:00:00Z"), ZoneOffset.UTC));

    var pending =
        new Programming(
            43,
            Programming.State.PENDING,
            List.of(new ForwarderProgress("fwd-a", false, 42, null)));
    var update =
        later.build(lb, new LoadBalancerOutcome(valid, allocated, oneBackend, null, pending));

    assertThat(condition(update, "Allocated").lastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(condition(update, "Programmed").lastTransitionTime())
        .isEqualTo("2026-01-01T01:00:00Z");
    assertThat(update.transitions())
        .extracting(Condition::type)
        .containsExactly("Programmed", "Ready");
  }

  private static Condition condition(StatusUpdate<LoadBalancerStatus> update, String type) {
    return update.status().conditions().stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private static String[] ready(StatusUpdate<LoadBalancerStatus> update) {
    var ready = condition(update, "Ready");
    return new String[] {ready.status().name(), ready.reason(), ready.message()};
  }
}
