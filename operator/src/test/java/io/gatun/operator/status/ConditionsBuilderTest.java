package io.gatun.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ConditionStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsBuilderTest {

  private static final String T0 = "2026-01-01T10:00:00Z";
  private final Clock later =
      Clock.fixed(Instant.parse("2026-01-01T10:05:00.750Z"), ZoneOffset.UTC);
  private final List<Condition> previous =
      List.of(new Condition("Ready", ConditionStatus.True, "Ready", "serving", 3L, T0));

  @Test
  void aNewConditionStartsNowAtSecondPrecision() {
    var conditions =
        new ConditionsBuilder(List.of(), 1, later).set("Ready", false, "Pending", "wait");

    assertThat(conditions.build())
        .containsExactly(
            new Condition(
                "Ready", ConditionStatus.False, "Pending", "wait", 1L, "2026-01-01T10:05:00Z"));
    assertThat(conditions.transitions()).hasSize(1);
  }

  @Test
  void keepsTheTransitionTimeWhenOnlyReasonOrMessageChange() {
    var conditions =
        new ConditionsBuilder(previous, 4, later).set("Ready", true, "Ready", "serving more");

    assertThat(conditions.build().getFirst().lastTransitionTime()).isEqualTo(T0);
    assertThat(conditions.build().getFirst().observedGeneration()).isEqualTo(4L);
    assertThat(conditions.transitions()).as("a message is not news").isEmpty();
  }

  @Test
  void movesTheTransitionTimeWhenTheStatusFlips() {
    var conditions =
        new ConditionsBuilder(previous, 4, later).set("Ready", false, "NotProgrammed", "x");

    assertThat(conditions.build().getFirst().lastTransitionTime())
        .isEqualTo("2026-01-01T10:05:00Z");
    assertThat(conditions.transitions())
        .extracting(Condition::reason)
        .containsExactly("NotProgrammed");
  }

  @Test
  void aReasonChangeIsATransitionButKeepsTheTime() {
    var before =
        List.of(new Condition("Allocated", ConditionStatus.False, "PoolNotFound", "m", 1L, T0));
    var conditions =
        new ConditionsBuilder(before, 1, later).set("Allocated", false, "PoolExhausted", "m");

    assertThat(conditions.build().getFirst().lastTransitionTime()).isEqualTo(T0);
    assertThat(conditions.transitions())
        .extracting(Condition::reason)
        .containsExactly("PoolExhausted");
  }

  @Test
  void keepsTheOrderOfSettingAndTheLastValuePerType() {
    var conditions =
        new ConditionsBuilder(List.of(), 1, later)
            .set("Accepted", true, "Accepted", "")
            .set("Ready", false, "A", "")
            .set("Ready", true, "B", "");

    assertThat(conditions.build()).extracting(Condition::type).containsExactly("Accepted", "Ready");
    assertThat(conditions.build().get(1).reason()).isEqualTo("B");
  }
}
