package io.gatun.operator.forwarderset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ConditionStatus;
import io.gatun.operator.api.ForwarderProblem;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetStatus;
import io.gatun.operator.schema.Validation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwarderSetStatusBuilderTest {

  private final ForwarderSetStatusBuilder builder =
      new ForwarderSetStatusBuilder(
          Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
  private final ForwarderSet set = ForwarderSets.stored(ForwarderSets.onInterface("eth1"));

  private static DaemonSet daemonSet(
      long generation, long observed, int desired, int ready, int updated) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("fwd")
        .withGeneration(generation)
        .endMetadata()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withDesiredNumberScheduled(desired)
        .withCurrentNumberScheduled(desired)
        .withNumberReady(ready)
        .withUpdatedNumberScheduled(updated)
        .withNumberMisscheduled(0)
        .endStatus()
        .build();
  }

  private static Condition condition(ForwarderSetStatus status, String type) {
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void allReadyAndUpToDateIsReadyNotProgressingNotDegraded() {
    var status =
        builder
            .build(set, Validation.OK, "img", Optional.of(daemonSet(2, 2, 3, 3, 3)), List.of())
            .status();
    assertThat(status.desired()).isEqualTo(3);
    assertThat(status.ready()).isEqualTo(3);
    assertThat(status.updated()).isEqualTo(3);
    assertThat(condition(status, "Ready").status()).isEqualTo(ConditionStatus.True);
    assertThat(condition(status, "Progressing").status()).isEqualTo(ConditionStatus.False);
    assertThat(condition(status, "Degraded").status()).isEqualTo(ConditionStatus.False);
  }

  @Test
  void aRolloutIsProgressingUntilEveryNodeRunsTheNewSpec() {
    var notSeen =
        builder
            .build(set, Validation.OK, "img", Optional.of(daemonSet(3, 2, 3, 3, 3)), List.of())
            .status();
    assertThat(condition(notSeen, "Progressing").reason()).isEqualTo("RollingOut");
    assertThat(condition(notSeen, "Ready").status()).isEqualTo(ConditionStatus.False);
    var halfway =
        builder
            .build(set, Validation.OK, "img", Optional.of(daemonSet(3, 3, 3, 2, 1)), List.of())
            .status();
    assertThat(condition(halfway, "Progressing").message()).contains("1 of 3");
  }

  @Test
  void noNodeSelectedSaysWhatToLabel() {
    var status =
        builder
            .build(set, Validation.OK, "img", Optional.of(daemonSet(1, 1, 0, 0, 0)), List.of())
            .status();
    assertThat(condition(status, "Ready").reason()).isEqualTo("NoNodes");
    assertThat(condition(status, "Ready").message()).contains("spec.nodeSelector");
  }

  @Test
  void aPodProblemIsDegradedWithItsReasonAndNode() {
    var problem =
        new ForwarderProblem(
            "node-3",
            "fwd-x",
            "InsufficientHugepages",
            "the forwarder on node node-3 cannot run: ...");
    var built =
        builder.build(
            set, Validation.OK, "img", Optional.of(daemonSet(1, 1, 1, 0, 1)), List.of(problem));
    var degraded = condition(built.status(), "Degraded");
    assertThat(degraded.status()).isEqualTo(ConditionStatus.True);
    assertThat(degraded.reason()).isEqualTo("InsufficientHugepages");
    assertThat(degraded.message())
        .startsWith("1 forwarder cannot run: InsufficientHugepages: ")
        .contains("node-3");
    assertThat(built.status().problems()).containsExactly(problem);
    assertThat(built.transitions()).anyMatch(c -> c.type().equals("Degraded"));
  }

  @Test
  void anInvalidSpecIsDegradedAndSaysTheDaemonSetKeepsItsSpec() {
    var status =
        builder
            .build(
                set,
                Validation.of(List.of("spec.x is wrong: fix it")),
                "img",
                Optional.of(daemonSet(1, 1, 1, 1, 1)),
                List.of())
            .status();
    assertThat(condition(status, "Degraded").reason()).isEqualTo("Invalid");
    assertThat(condition(status, "Degraded").message())
        .contains("spec.x is wrong")
        .contains("keeps its previous spec");
    assertThat(condition(status, "Ready").status()).isEqualTo(ConditionStatus.True);
  }
}
