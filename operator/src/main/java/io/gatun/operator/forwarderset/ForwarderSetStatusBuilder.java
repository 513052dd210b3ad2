package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ForwarderProblem;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetStatus;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.ConditionsBuilder;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A ForwarderSet's status from its DaemonSet's counts and its pods' problems: Ready when every
 * selected node runs a ready forwarder of the current spec, Progressing while a rollout or a start
 * is under way, Degraded when the spec is invalid or some forwarder cannot run.
 */
final class ForwarderSetStatusBuilder {

  static final int LISTED = 50;

  private final Clock clock;

  ForwarderSetStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  /** The status, and the conditions that changed (what deserves an event). */
  record Built(ForwarderSetStatus status, List<Condition> transitions) {}

  Built build(
      ForwarderSet set,
      Validation validation,
      String image,
      Optional<DaemonSet> daemonSet,
      List<ForwarderProblem> problems) {
    long generation =
        set.getMetadata().getGeneration() == null ? 0 : set.getMetadata().getGeneration();
    List<Condition> previous = set.getStatus() == null ? List.of() : set.getStatus().conditions();
    var conditions = new ConditionsBuilder(previous, generation, clock);

    DaemonSetStatus counts = daemonSet.map(DaemonSet::getStatus).orElseGet(DaemonSetStatus::new);
    int desired = orZero(counts.getDesiredNumberScheduled());
    int scheduled = orZero(counts.getCurrentNumberScheduled());
    int ready = orZero(counts.getNumberReady());
    int updated = orZero(counts.getUpdatedNumberScheduled());
    boolean seenByController =
        daemonSet.isPresent()
            && counts.getObservedGeneration() != null
            && counts.getObservedGeneration()
                >= orZero(daemonSet.get().getMetadata().getGeneration());

    boolean complete = seenByController && desired > 0 && ready == desired && updated == desired;
    if (complete) {
      conditions.set(
          ForwarderSet.READY, true, "AllReady", ready + " of " + desired + " forwarders ready");
    } else if (daemonSet.isEmpty()) {
      conditions.set(
          ForwarderSet.READY,
          false,
          validation.valid() ? "Pending" : "NotValid",
          validation.valid()
              ? "the DaemonSet is being created"
              : "no DaemonSet: fix the spec (see Degraded)");
    } else if (seenByController && desired == 0) {
      conditions.set(
          ForwarderSet.READY,
          false,
          "NoNodes",
          "no node matches spec.nodeSelector and tolerates its taints: label the nodes that"
              + " should forward, or widen spec.nodeSelector / spec.tolerations");
    } else {
      conditions.set(
          ForwarderSet.READY,
          false,
          "NotAllReady",
          ready + " of " + desired + " forwarders ready, " + updated + " up to date");
    }

    if (!seenByController && daemonSet.isPresent()) {
      conditions.set(
          ForwarderSet.PROGRESSING, true, "RollingOut", "the DaemonSet has a new spec to roll");
    } else if (daemonSet.isPresent() && updated < desired) {
      conditions.set(
          ForwarderSet.PROGRESSING,
          true,
          "RollingOut",
          updated + " of " + desired + " forwarders run the current spec, one node at a time");
    } else if (daemonSet.isPresent() && ready < desired) {
      conditions.set(
          ForwarderSet.PROGRESSING,
          true,
          "Starting",
          ready + " of " + desired + " forwarders ready");
    } else {
      conditions.set(
          ForwarderSet.PROGRESSING,
          false,
          daemonSet.isPresent() ? "Complete" : "NotStarted",
          daemonSet.isPresent() ? "every forwarder runs the current spec" : "no DaemonSet yet");
    }

    if (!validation.valid()) {
      conditions.set(
          ForwarderSet.DEGRADED,
          true,
          validation.reason(),
          validation.message()
              + (daemonSet.isPresent() ? " (the DaemonSet keeps its previous spec)" : ""));
    } else if (!problems.isEmpty()) {
      conditions.set(ForwarderSet.DEGRADED, true, reasonOf(problems), messageOf(problems));
    } else {
      conditions.set(ForwarderSet.DEGRADED, false, "AsExpected", "no forwarder reports a problem");
    }

    var status =
        new ForwarderSetStatus(
            generation,
            daemonSet.isPresent() ? daemonSet.get().getMetadata().getName() : null,
            image,
            desired,
            scheduled,
            ready,
            updated,
            problems.subList(0, Math.min(problems.size(), LISTED)),
            conditions.build());
    return new Built(status, conditions.transitions());
  }

  /** The reason all problems share, or the first one's when they differ. */
  private static String reasonOf(List<ForwarderProblem> problems) {
    return problems.getFirst().reason();
  }

  private static String messageOf(List<ForwarderProblem> problems) {
    String listed =
        problems.stream()
            .limit(3)
            .map(p -> p.reason() + ": " + p.message())
            .collect(Collectors.joining("; "));
    int more = problems.size() - 3;
    return problems.size()
        + (problems.size() == 1 ? " forwarder cannot run: " : " forwarders cannot run: ")
        + listed
        + (more > 0 ? "; and " + more + " more in status.problems" : "");
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
