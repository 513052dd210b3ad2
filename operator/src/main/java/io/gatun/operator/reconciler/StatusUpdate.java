package io.gatun.operator.reconciler;

import io.gatun.operator.api.Condition;
import java.util.List;

/** A freshly built status and the conditions that changed on the way (what events report). */
record StatusUpdate<S>(S status, List<Condition> transitions) {

  StatusUpdate {
    transitions = List.copyOf(transitions);
  }
}
