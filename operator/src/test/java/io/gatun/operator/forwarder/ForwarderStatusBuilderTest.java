package io.gatun.operator.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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

  private static Forwarder forwarder() {
    var forwarder = new Forwarder();
    forwarder.setMetadata(new ObjectMetaBuilder().withName("fwd-a").build());
    return forwarder;
  }

  private static ForwarderState state(TreeMap<String, String> refused) {
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
        NOW);
  }
}
