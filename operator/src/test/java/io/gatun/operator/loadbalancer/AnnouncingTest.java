package io.gatun.operator.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.control.ConflictNews;
import io.gatun.operator.control.CurrentConflict;
import io.gatun.operator.control.VipAnnouncer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a new LoadBalancer's status waits for a VIP owner's report (the reconciler's settling). */
class AnnouncingTest {

  private static final String VIP = "198.18.0.200";
  private static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anOwnerIsAwaitedOnlyForAFleetsVipNobodyAnswersForYet() {
    var nobody = new Announcing(List.of(VIP), List.of(), List.of(), true);
    assertThat(nobody.reason()).isEqualTo(Announcing.NOT_ANNOUNCED);
    assertThat(nobody.ownerAwaited()).isTrue();

    var owner = List.of(new VipAnnouncer(VIP, "fwd-a", "node-a", SINCE));
    assertThat(new Announcing(List.of(VIP), owner, List.of(), true).ownerAwaited())
        .as("answered for")
        .isFalse();

    var conflict =
        new CurrentConflict(
            new ConflictNews(VIP, "fwd-a", "node-a", "02:00:00:00:00:99", null, "ARP", 1),
            SINCE.plusSeconds(30));
    assertThat(new Announcing(List.of(VIP), List.of(), List.of(conflict), true).ownerAwaited())
        .as("a conflict is news to write, not a report to wait for")
        .isFalse();

    assertThat(new Announcing(List.of(VIP), List.of(), List.of()).ownerAwaited())
        .as("no fleet elects an owner (BGP, or a Pool without L2 announcement)")
        .isFalse();
    assertThat(new Announcing(List.of(), List.of(), List.of(), true).ownerAwaited())
        .as("no address")
        .isFalse();
    assertThat(nobody.about(List.of(VIP)).ownerAwaited()).as("kept by about()").isTrue();
  }
}
