package io.gatun.operator.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gatun.control.v1.BgpSession;
import io.gatun.operator.api.BgpSessionStatus;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.RefusedService;
import io.gatun.operator.control.ForwarderState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ForwarderStatusBuilderTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final ForwarderStatusBuilder builder =
      new ForwarderStatusBuilder(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void theServicesAForwarderRefusesAreCountedAndListedByKey() {
    var refused = new TreeMap<String, String>();
    for (int i = 0; i < 60; i++) {
      refused.put(String.format("default/lb-%02d/http", i), "no route to backend " + i);
    }

    var status = builder.connected(forwarder(), state(refused)).status();

    assertThat(status.refusedCount()).isEqualTo(60);
    assertThat(status.refusedServices()).hasSize(ForwarderStatusBuilder.LISTED_REFUSALS);
    assertThat(status.refusedServices().getFirst())
        .isEqualTo(new RefusedService("default/lb-00/http", "no route to backend 0"));
  }

  @Test
  void aForwarderRefusingNothingSaysZero() {
    var status = builder.connected(forwarder(), state(new TreeMap<>())).status();

    assertThat(status.refusedCount()).isZero();
    assertThat(status.refusedServices()).isEmpty();
  }

  @Test
  void bgpSessionsAreListedCountedAndTheOnesDownNamedWithFrrsReason() {
    var up =
        BgpSession.newBuilder()
            .setPeer("198.18.0.1")
            .setPeerAsn(64500)
            .setState("Established")
            .setEstablished(true)
            .setEstablishedSinceUnixMillis(NOW.minusSeconds(60).toEpochMilli())
            .setPrefixesAdvertised(3)
            .setBfdState("up")
            .addPools("edge")
            .build();
    var down =
        BgpSession.newBuilder()
            .setPeer("198.18.0.2")
            .setPeerAsn(64999)
            .setState("Active")
            .setLastError("Bad Peer AS")
            .addPools("edge")
            .build();

    var update =
        builder.connected(
            forwarder(), state(new TreeMap<>(), List.of(up, down), List.of("198.18.1.1/32")));
    var status = update.status();

    assertThat(status.bgpSessionsEstablished()).isEqualTo("1/2");
    assertThat(status.bgpSessions())
        .containsExactly(
            new BgpSessionStatus(
                "198.18.0.1",
                64500L,
                "Established",
                "2025-12-31T23:59:00Z",
                3,
                null,
                "up",
                List.of("edge")),
            new BgpSessionStatus(
                "198.18.0.2", 64999L, "Active", null, 0, "Bad Peer AS", null, List.of("edge")));
    assertThat(status.vipsAdvertised()).containsExactly("198.18.1.1/32");
    var condition =
        status.conditions().stream()
            .filter(c -> c.type().equals(Forwarder.BGP_SESSIONS_ESTABLISHED))
            .findFirst()
            .orElseThrow();
    assertThat(condition.isTrue()).isFalse();
    assertThat(condition.reason()).isEqualTo(ForwarderStatusBuilder.SESSIONS_DOWN);
    assertThat(condition.message())
        .startsWith(
            "1 of 2 BGP sessions not established: peer 198.18.0.2 (AS 64999): Active, Bad Peer AS;");
  }

  @Test
  void withoutBgpThereIsNoBgpConditionNorCount() {
    var status = builder.connected(forwarder(), state(new TreeMap<>())).status();

    assertThat(status.bgpSessionsEstablished()).isNull();
    assertThat(status.conditions())
        .noneMatch(c -> c.type().equals(Forwarder.BGP_SESSIONS_ESTABLISHED));
  }

  private static Forwarder forwarder() {
    var forwarder = new Forwarder();
    forwarder.setMetadata(new ObjectMetaBuilder().withName("fwd-a").build());
    return forwarder;
  }

  private static ForwarderState state(TreeMap<String, String> refused) {
    return state(refused, List.of(), List.of());
  }

  private static ForwarderState state(
      TreeMap<String, String> refused, List<BgpSession> sessions, List<String> advertised) {
    return new ForwarderState(
        "fwd-a",
        "node-a",
        Set.of("IPV4"),
        List.of(),
        List.of(),
        42,
        null,
        refused,
        List.of(),
        List.of(),
        List.of(),
        0,
        NOW,
        NOW,
        sessions,
        advertised);
  }
}
