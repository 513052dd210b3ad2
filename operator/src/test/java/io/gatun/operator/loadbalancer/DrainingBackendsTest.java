package io.gatun.operator.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.DrainingBackend;
import io.gatun.operator.control.DesiredServices;
import io.gatun.operator.ipam.Owner;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrainingBackendsTest {

  private static final Owner WEB = new Owner("default", "web");
  private static final Duration THIRTY = Duration.ofSeconds(30);
  private final DrainingBackends book = new DrainingBackends();
  private Instant now = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void aRemovedBackendDrainsForTheTimeoutThenGoes() {
    book.apply(WEB, desired(service("http", "10.0.0.1", "10.0.0.2")), THIRTY, now, List.of());

    now = now.plusSeconds(1);
    var drained = book.apply(WEB, desired(service("http", "10.0.0.1")), THIRTY, now, List.of());
    assertThat(backends(drained)).containsExactly("10.0.0.1 serving", "10.0.0.2 draining");
    assertThat(drained.drain().backends())
        .extracting(DrainingBackend::address, DrainingBackend::since)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.0.2", "2026-11-25T10:00:01Z"));
    assertThat(drained.drain().endsIn()).contains(THIRTY);

    now = now.plusSeconds(29);
    drained = book.apply(WEB, desired(service("http", "10.0.0.1")), THIRTY, now, List.of());
    assertThat(backends(drained)).containsExactly("10.0.0.1 serving", "10.0.0.2 draining");
    assertThat(drained.drain().endsIn())
        .as("the drain keeps its start")
        .contains(Duration.ofSeconds(1));

    now = now.plusSeconds(1);
    drained = book.apply(WEB, desired(service("http", "10.0.0.1")), THIRTY, now, List.of());
    assertThat(backends(drained)).containsExactly("10.0.0.1 serving");
    assertThat(drained.drain()).isEqualTo(DrainingBackends.Drain.NONE);
  }

  @Test
  void aBackendThatComesBackServesAgain() {
    book.apply(WEB, desired(service("http", "10.0.0.1", "10.0.0.2")), THIRTY, now, List.of());
    book.apply(WEB, desired(service("http", "10.0.0.1")), THIRTY, now.plusSeconds(1), List.of());

    var drained =
        book.apply(
            WEB,
            desired(service("http", "10.0.0.1", "10.0.0.2")),
            THIRTY,
            now.plusSeconds(2),
            List.of());

    assertThat(backends(drained)).containsExactly("10.0.0.1 serving", "10.0.0.2 serving");
    assertThat(drained.drain().backends()).isEmpty();
  }

  @Test
  void withoutATimeoutNothingDrains() {
    book.apply(
        WEB, desired(service("http", "10.0.0.1", "10.0.0.2")), Duration.ZERO, now, List.of());

    var drained =
        book.apply(WEB, desired(service("http", "10.0.0.1")), Duration.ZERO, now, List.of());

    assertThat(backends(drained)).containsExactly("10.0.0.1 serving");
  }

  @Test
  void backendsDrainFromTheServiceTheyLeftAndGoWithIt() {
    book.apply(
        WEB,
        desired(service("http", "10.0.0.1", "10.0.0.2"), service("https", "10.0.0.1", "10.0.0.2")),
        THIRTY,
        now,
        List.of());

    var drained =
        book.apply(
            WEB,
            desired(service("http", "10.0.0.1", "10.0.0.2"), service("https", "10.0.0.1")),
            THIRTY,
            now,
            List.of());
    assertThat(drained.desired().services())
        .extracting(
            VirtualService::getKey,
            s -> s.getBackendsList().stream().filter(Backend::getDraining).count())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("default/web/http", 0L),
            org.assertj.core.groups.Tuple.tuple("default/web/https", 1L));

    drained =
        book.apply(WEB, desired(service("http", "10.0.0.1", "10.0.0.2")), THIRTY, now, List.of());
    assertThat(drained.drain().backends()).as("its service is gone").isEmpty();
  }

  @Test
  void aNodeLocalBackendDrainsOnItsNode() {
    book.apply(
        WEB,
        new DesiredServices(
            List.of(service("http", "10.0.0.1", "10.0.0.2")),
            Set.of(),
            true,
            Map.of("10.0.0.1", "node-a", "10.0.0.2", "node-b")),
        THIRTY,
        now,
        List.of());

    var drained =
        book.apply(
            WEB,
            new DesiredServices(
                List.of(service("http", "10.0.0.1")), Set.of(), true, Map.of("10.0.0.1", "node-a")),
            THIRTY,
            now,
            List.of());

    assertThat(drained.desired().backendNodes()).containsEntry("10.0.0.2", "node-b");
  }

  @Test
  void aForgottenLoadBalancerDrainsNothingFromBefore() {
    book.apply(WEB, desired(service("http", "10.0.0.1", "10.0.0.2")), THIRTY, now, List.of());
    book.forget(WEB);

    var drained = book.apply(WEB, desired(service("http", "10.0.0.1")), THIRTY, now, List.of());

    assertThat(backends(drained)).containsExactly("10.0.0.1 serving");
  }

  @Test
  void aNewBookFinishesTheDrainsTheStatusRecorded() {
    var recorded =
        List.of(
            new DrainingBackend(
                "default/web/http", "10.0.0.2", 8080, "node-b", "2026-11-25T09:59:50Z"),
            new DrainingBackend("default/web/http", "10.0.0.3", 8080, null, "not a time"));

    var drained = book.apply(WEB, desired(service("http", "10.0.0.1")), THIRTY, now, recorded);

    assertThat(backends(drained))
        .as("the unreadable entry ends")
        .containsExactly("10.0.0.1 serving", "10.0.0.2 draining");
    assertThat(drained.drain().endsIn()).as("from when it left").contains(Duration.ofSeconds(20));
    assertThat(drained.desired().backendNodes()).containsEntry("10.0.0.2", "node-b");

    drained =
        book.apply(
            WEB, desired(service("http", "10.0.0.1")), THIRTY, now.plusSeconds(20), List.of());
    assertThat(backends(drained)).containsExactly("10.0.0.1 serving");
  }

  private static List<String> backends(DrainingBackends.Drained drained) {
    return drained.desired().services().getFirst().getBackendsList().stream()
        .map(b -> b.getAddress() + (b.getDraining() ? " draining" : " serving"))
        .toList();
  }

  private static DesiredServices desired(VirtualService... services) {
    return DesiredServices.of(List.of(services));
  }

  private static VirtualService service(String port, String... backends) {
    return VirtualService.newBuilder()
        .setKey("default/web/" + port)
        .setVip("198.18.0.200")
        .setPort(80)
        .addAllBackends(
            Arrays.stream(backends)
                .map(a -> Backend.newBuilder().setAddress(a).setPort(8080).build())
                .toList())
        .build();
  }
}
