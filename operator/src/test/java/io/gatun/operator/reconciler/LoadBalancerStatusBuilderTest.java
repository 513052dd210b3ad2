package io.gatun.operator.reconciler;

import static io.gatun.operator.reconciler.Fixtures.loadBalancer;
import static io.gatun.operator.reconciler.Fixtures.port;
import static io.gatun.operator.reconciler.Fixtures.spec;
import static io.gatun.operator.reconciler.Fixtures.staticBackends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ForwarderProgramming;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.control.Programming;
import io.gatun.operator.control.Programming.ForwarderProgress;
import io.gatun.operator.ipam.IpAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancerStatusBuilderTest {

  private final LoadBalancerStatusBuilder builder =
      new LoadBalancerStatusBuilder(
          Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
  private final LoadBalancer lb =
      loadBalancer(
          "web", spec(staticBackends("198.18.0.11"), port("http", Protocol.TCP, 80, 8080)));
  private final Validation accepted = new Validation(List.of(), List.of());
  private final AddressOutcome allocated =
      new AddressOutcome.Allocated(List.of(IpAddress.parse("198.18.0.200")), "demo");
  private final Programming programmedOnFwdA =
      new Programming(
          42, Programming.State.PROGRAMMED, List.of(new ForwarderProgress("fwd-a", true, null)));

  @Test
  void readyWhenAllocatedProgrammedAndBackendsAreHealthy() {
    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(
                accepted, allocated, new BackendCounts(1, 1), "", programmedOnFwdA));

    var status = update.status();
    assertThat(status.addresses()).containsExactly("198.18.0.200");
    assertThat(status.pool()).isEqualTo("demo");
    assertThat(status.ports()).isEqualTo("80/TCP");
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(status.snapshotGeneration()).isEqualTo(42L);
    assertThat(status.forwarders()).containsExactly(new ForwarderProgramming("fwd-a", true, null));
    assertThat(status.conditions())
        .extracting(Condition::type, Condition::reason, Condition::message)
        .containsExactly(
            tuple("Accepted", "Accepted", "the spec is valid and supported"),
            tuple("Allocated", "Allocated", "198.18.0.200 from Pool demo"),
            tuple("Programmed", "Programmed", "generation 42 runs on fwd-a"),
            tuple("Ready", "Ready", "serving 198.18.0.200 with 1 backend"));
  }

  @Test
  void zeroHealthyBackendsKeepsItNotReadyAndSaysWhy() {
    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(
                accepted,
                allocated,
                new BackendCounts(0, 2),
                "none of the 2 endpoints of Service echo is ready",
                programmedOnFwdA));

    assertThat(ready(update))
        .isEqualTo(
            new String[] {
              "False", "NoHealthyBackends", "none of the 2 endpoints of Service echo is ready"
            });
  }

  @Test
  void anExhaustedPoolLeavesNothingToProgram() {
    var exhausted =
        new AddressOutcome.NotAllocated(
            AddressOutcome.POOL_EXHAUSTED, "Pool demo has no free address");

    var update =
        builder.build(
            lb, new LoadBalancerOutcome(accepted, exhausted, new BackendCounts(1, 1), "", null));

    assertThat(update.status().addresses()).isEmpty();
    assertThat(condition(update, "Allocated").reason()).isEqualTo("PoolExhausted");
    assertThat(condition(update, "Programmed").reason()).isEqualTo("NotAllocated");
    assertThat(ready(update)[1]).isEqualTo("NotAllocated");
  }

  @Test
  void aRejectedSnapshotNamesTheForwarderAndItsError() {
    var programming =
        new Programming(
            7, Programming.State.FAILED, List.of(new ForwarderProgress("fwd-a", false, "no SCTP")));

    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(accepted, allocated, new BackendCounts(1, 1), "", programming));

    assertThat(condition(update, "Programmed").reason()).isEqualTo("ApplyFailed");
    assertThat(condition(update, "Programmed").message())
        .isEqualTo("fwd-a rejected generation 7: no SCTP");
    assertThat(update.status().forwarders())
        .containsExactly(new ForwarderProgramming("fwd-a", false, "no SCTP"));
  }

  @Test
  void anUnsupportedModeIsNotAcceptedAndNothingElseHappens() {
    var unsupported =
        new Validation(List.of(), List.of("forwarding mode DSR is not supported yet"));
    var notAccepted =
        new AddressOutcome.NotAllocated(AddressOutcome.NOT_ACCEPTED, "nothing is allocated");

    var update =
        builder.build(
            lb,
            new LoadBalancerOutcome(unsupported, notAccepted, new BackendCounts(1, 1), "", null));

    assertThat(condition(update, "Accepted").reason()).isEqualTo("Unsupported");
    assertThat(condition(update, "Programmed").reason()).isEqualTo("NotAccepted");
    assertThat(ready(update)[1]).isEqualTo("NotAccepted");
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
