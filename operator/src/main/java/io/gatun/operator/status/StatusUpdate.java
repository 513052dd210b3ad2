package io.gatun.operator.status;

import io.gatun.operator.api.Condition;
import java.util.List;

/** A freshly built status and the conditions that changed on the way (what events report). */
public record StatusUpdate<S>(S status, List<Condition> transitions) {

  public StatusUpdate {
    transitions = List.copyOf(transitions);
  }
}
