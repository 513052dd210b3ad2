package io.gatun.operator.loadbalancer;

import static io.gatun.operator.testing.Fixtures.loadBalancer;
import static io.gatun.operator.testing.Fixtures.port;
import static io.gatun.operator.testing.Fixtures.service;
import static io.gatun.operator.testing.Fixtures.slice;
import static io.gatun.operator.testing.Fixtures.spec;
import static io.gatun.operator.testing.Fixtures.staticBackends;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.backends.BackendSources;
import io.gatun.operator.control.Programming;
import io.gatun.operator.control.Programming.ForwarderProgress;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.EventRecorder.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A new LoadBalancer whose first backends are not ready yet waits quietly for a minute. */
class AwaitingBackendsTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");

  private final LoadBalancerStatusBuilder builder =
      new LoadBalancerStatusBuilder(Clock.fixed(NOW, ZoneOffset.UTC));

  private record Recorded(Type type, String reason) {}

  private final List<Recorded> recorded = new ArrayList<>();
  private final LoadBalancerEvents events =
      new LoadBalancerEvents(
          (HasMetadata regarding, Type type, String reason, String message) ->
              recorded.add(new Recorded(type, reason)));

  @Test
  void aServicesLoadBalancerWithoutReadyEndpointsInItsFirstMinuteWaitsWithoutAWarning() {
    var lb = fromService(Duration.ofSeconds(10));
    var outcome = noEndpoints(lb);

    var update = builder.build(lb, outcome);
    events.record(lb, update.transitions());

    assertThat(state(update.status(), "BackendsHealthy")).isEqualTo("False/AwaitingBackends");
    assertThat(state(update.status(), "Ready")).isEqualTo("False/AwaitingBackends");
    assertThat(message(update.status(), "Ready"))
        .startsWith("waiting for the first ready backend (Service echo has no endpoints")
        .endsWith("60 s after the LoadBalancer was created");
    assertThat(recorded).doesNotContain(new Recorded(Type.Warning, "AwaitingBackends"));
    assertThat(recorded).extracting(Recorded::type).doesNotContain(Type.Warning);
    assertThat(AwaitingBackends.left(lb, outcome, NOW)).contains(Duration.ofSeconds(50));
  }

  @Test
  void afterItsFirstMinuteNoReadyBackendIsAWarning() {
    var lb = fromService(Duration.ofSeconds(61));
    var outcome = noEndpoints(lb);

    var update = builder.build(lb, outcome);
    events.record(lb, update.transitions());

    assertThat(state(update.status(), "BackendsHealthy")).isEqualTo("False/NoHealthyBackends");
    assertThat(recorded).contains(new Recorded(Type.Warning, "NoHealthyBackends"));
    assertThat(AwaitingBackends.left(lb, outcome, NOW)).isEmpty();
  }

  @Test
  void oneThatHadReadyBackendsAndLosesThemWarnsAtOnceAndSaysWhenTheyAreBack() {
    var lb = fromService(Duration.ofSeconds(10));
    var healthy =
        builder.build(
            lb,
            outcome(
                lb,
                BackendSources.of(
                    lb.getSpec(),
                    List.of(slice("echo-1", List.of("http/TCP/8080"), "198.18.0.11")),
                    List.of())));
    lb.setStatus(healthy.status());

    var lost = builder.build(lb, noEndpoints(lb));
    events.record(lb, lost.transitions());
    assertThat(state(lost.status(), "BackendsHealthy")).isEqualTo("False/NoHealthyBackends");
    assertThat(recorded).containsExactly(new Recorded(Type.Warning, "NoHealthyBackends"));

    lb.setStatus(lost.status());
    var back = builder.build(lb, healthy(lb));
    events.record(lb, back.transitions());
    assertThat(recorded)
        .containsExactly(
            new Recorded(Type.Warning, "NoHealthyBackends"), new Recorded(Type.Normal, "Healthy"));
  }

  @Test
  void healthyAfterWaitingIsNoEventOfItsOwn() {
    var lb = fromService(Duration.ofSeconds(5));
    lb.setStatus(builder.build(lb, noEndpoints(lb)).status());

    var update = builder.build(lb, healthy(lb));
    events.record(lb, update.transitions());

    assertThat(state(update.status(), "BackendsHealthy")).isEqualTo("True/Healthy");
    assertThat(recorded).extracting(Recorded::reason).doesNotContain("Healthy");
  }

  @Test
  void aStaticListWithNoBackendIsASpecToFixNotAWait() {
    var lb = loadBalancer("web", spec(staticBackends(), port("http", Protocol.TCP, 80, 8080)));
    lb.getMetadata().setCreationTimestamp(NOW.minusSeconds(5).toString());

    var update = builder.build(lb, noEndpoints(lb));

    assertThat(state(update.status(), "BackendsHealthy")).isEqualTo("False/NoHealthyBackends");
  }

  private static LoadBalancer fromService(Duration age) {
    var lb = loadBalancer("web", spec(service("echo"), port("http", Protocol.TCP, 80, 8080)));
    lb.getMetadata().setCreationTimestamp(NOW.minus(age).toString());
    return lb;
  }

  private static LoadBalancerOutcome noEndpoints(LoadBalancer lb) {
    return outcome(lb, BackendSources.of(lb.getSpec(), List.of(), List.of()));
  }

  private static LoadBalancerOutcome healthy(LoadBalancer lb) {
    return outcome(
        lb,
        BackendSources.of(
            lb.getSpec(),
            List.of(slice("echo-1", List.of("http/TCP/8080"), "198.18.0.11")),
            List.of()));
  }

  private static LoadBalancerOutcome outcome(
      LoadBalancer lb, io.gatun.operator.backends.BackendSet backends) {
    return new LoadBalancerOutcome(
        Validation.OK,
        new AddressOutcome.Held(
            List.of(IpAddress.parse("198.18.0.200")),
            "demo",
            Set.of(),
            AddressOutcome.ALLOCATED,
            "198.18.0.200 from Pool demo"),
        backends,
        null,
        new Programming(
            42,
            Programming.State.PROGRAMMED,
            List.of(new ForwarderProgress("fwd-a", true, 42, null))));
  }

  private static Condition condition(LoadBalancerStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private static String state(LoadBalancerStatus status, String type) {
    var c = condition(status, type);
    return c.status() + "/" + c.reason();
  }

  private static String message(LoadBalancerStatus status, String type) {
    return condition(status, type).message();
  }
}
