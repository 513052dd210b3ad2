package io.gatun.operator.status;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ConditionStatus;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a resource's conditions from scratch on every reconcile, carrying over what must survive.
 *
 * <p>The rule for {@code lastTransitionTime} lives here and nowhere else: a new condition, or one
 * whose status flips, gets now; otherwise the previous time is kept, even when reason or message
 * change. Conditions come out in the order they were set.
 */
public final class ConditionsBuilder {

  private final Map<String, Condition> previous;
  private final long observedGeneration;
  private final Clock clock;
  private final List<Condition> conditions = new ArrayList<>();

  public ConditionsBuilder(List<Condition> previous, long observedGeneration, Clock clock) {
    this.previous =
        previous.stream()
            .collect(Collectors.toMap(Condition::type, Function.identity(), (a, b) -> a));
    this.observedGeneration = observedGeneration;
    this.clock = clock;
  }

  public ConditionsBuilder set(String type, boolean status, String reason, String message) {
    var newStatus = ConditionStatus.of(status);
    String transitionTime =
        Optional.ofNullable(previous.get(type))
            .filter(old -> old.status() == newStatus && old.lastTransitionTime() != null)
            .map(Condition::lastTransitionTime)
            .orElseGet(this::now);
    conditions.removeIf(condition -> condition.type().equals(type));
    conditions.add(
        new Condition(type, newStatus, reason, message, observedGeneration, transitionTime));
    return this;
  }

  public List<Condition> build() {
    return List.copyOf(conditions);
  }

  /**
   * The conditions set here whose status or reason differ from before: what deserves an event. A
   * message-only change (e.g. a forwarder name) is not news.
   */
  public List<Condition> transitions() {
    return conditions.stream()
        .filter(
            condition -> {
              Condition old = previous.get(condition.type());
              return old == null
                  || old.status() != condition.status()
                  || !Objects.equals(old.reason(), condition.reason());
            })
        .toList();
  }

  private String now() {
    // RFC 3339 with second precision, as metav1.Time serialises.
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
