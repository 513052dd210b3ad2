package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.Owner;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DesiredStateTest {

  private final DesiredState state = new DesiredState(100);
  private final AtomicInteger changes = new AtomicInteger();
  private final Owner web = new Owner("default", "web");
  private final Owner echo = new Owner("default", "echo");

  DesiredStateTest() {
    state.addListener(changes::incrementAndGet);
  }

  @Test
  void aChangeBumpsTheGenerationAndRepublishingTheSameChangesNothing() {
    long first = state.publish(web, List.of(service("default/web/http")));
    long again = state.publish(web, List.of(service("default/web/http")));

    assertThat(first).isEqualTo(101);
    assertThat(again).isEqualTo(101);
    assertThat(state.generation()).isEqualTo(101);
    assertThat(changes).hasValue(1);
  }

  @Test
  void theSnapshotHoldsEveryOwnersServicesOrderedByKey() {
    state.publish(web, List.of(service("default/web/http"), service("default/web/dns")));
    state.publish(echo, List.of(service("default/echo/http")));

    var snapshot = state.snapshot();

    assertThat(snapshot.getGeneration()).isEqualTo(102);
    assertThat(snapshot.getServicesList())
        .extracting(VirtualService::getKey)
        .containsExactly("default/echo/http", "default/web/dns", "default/web/http");
  }

  @Test
  void withdrawingRemovesTheServicesOnceAndRemembersNothing() {
    state.publish(web, List.of(service("default/web/http")));

    state.withdraw(web);
    state.withdraw(web);

    assertThat(state.snapshot().getServicesCount()).isZero();
    assertThat(state.generation()).isEqualTo(102);
    assertThat(state.generationOf(web)).isEmpty();
    assertThat(changes).hasValue(2);
  }

  @Test
  void remembersWhenEachOwnersCurrentServicesFirstAppeared() {
    long webGeneration = state.publish(web, List.of(service("default/web/http")));
    long echoGeneration = state.publish(echo, List.of(service("default/echo/http")));
    state.publish(web, List.of(service("default/web/http")));

    assertThat(state.generationOf(web)).hasValue(webGeneration);
    assertThat(state.publishedBetween(webGeneration, echoGeneration)).containsExactly(echo);
    assertThat(state.publishedBetween(0, Long.MAX_VALUE)).containsExactlyInAnyOrder(web, echo);
  }

  @Test
  void advancesPastAGenerationAForwarderAlreadyRuns() {
    state.advancePast(5_000);

    assertThat(state.generation()).isEqualTo(5_001);
    assertThat(state.publish(web, List.of(service("k")))).isEqualTo(5_002);

    state.advancePast(10);
    assertThat(state.generation()).isEqualTo(5_002);
  }

  @Test
  void holdsSnapshotsBackUntilEveryKnownOwnerWasHeardFrom() {
    state.holdUntilHeardFrom(Set.of(web, echo));

    state.publish(web, List.of(service("default/web/http")));
    assertThat(state.latest()).isEmpty();

    state.withdraw(echo); // had nothing to withdraw, but it has been heard from
    assertThat(state.latest()).isPresent();
    assertThat(state.latest().orElseThrow().getServicesCount()).isEqualTo(1);
    assertThat(changes).as("opening the hold notifies the senders").hasValue(2);
  }

  @Test
  void releasingTheHoldReportsWhoWasNeverHeardFrom() {
    state.holdUntilHeardFrom(Set.of(web, echo));
    state.publish(web, List.of(service("default/web/http")));

    assertThat(state.releaseHold()).containsExactly(echo);
    assertThat(state.latest()).isPresent();
  }

  static VirtualService service(String key) {
    return VirtualService.newBuilder().setKey(key).setVip("198.18.0.200").setPort(80).build();
  }
}
