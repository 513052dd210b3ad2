package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ForwarderProgramming;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.control.Programming;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.status.ConditionsBuilder;
import io.gatun.operator.status.StatusUpdate;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds a LoadBalancer's whole status from one reconcile's {@link LoadBalancerOutcome}.
 *
 * <p>Conditions, each with a reason from a short fixed list:
 *
 * <ul>
 *   <li>Valid: Valid | Invalid
 *   <li>Allocated: Allocated | OutsidePool | NotValid | PoolNotFound | PoolInvalid | PoolNotAllowed
 *       | NoPoolAvailable | PoolExhausted | NoPoolForFamily | AddressInUse | AddressNotInPool
 *   <li>Programmed: Programmed | NotValid | NotAllocated | NoForwarders | Pending | ApplyFailed |
 *       Refused | Unsupported
 *   <li>BackendsHealthy: Healthy | AwaitingBackends (no backend ready yet in a new LoadBalancer's
 *       first minute, see {@link AwaitingBackends}) | NoHealthyBackends | HealthProbeNotFound |
 *       HealthProbeInvalid
 *   <li>Announced: Announced | NotAnnounced | AddressConflict | NotValid | NotAllocated (see {@link
 *       Announcing}); it does not hold Ready back: a VIP between owners is a moment of a failover,
 *       and forwarders keep serving a VIP another device also claims
 *   <li>Ready: Ready, or the reason of the first condition above that blocks it, with its message:
 *       {@code kubectl describe} then says on one line why traffic does not flow and what to do. A
 *       HealthProbe that is missing or invalid does not block it: traffic flows to the ready
 *       backends, unprobed, and the Ready message says so.
 * </ul>
 */
final class LoadBalancerStatusBuilder {

  static final String NO_HEALTHY_BACKENDS = "NoHealthyBackends";

  /** Programmed=False: a forwarder runs the snapshot but not (all of) this LoadBalancer. */
  static final String REFUSED = "Refused";

  private final Clock clock;

  LoadBalancerStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  StatusUpdate<LoadBalancerStatus> build(LoadBalancer lb, LoadBalancerOutcome outcome) {
    long generation =
        lb.getMetadata().getGeneration() == null ? 0 : lb.getMetadata().getGeneration();
    var previous = lb.getStatus() == null ? List.<Condition>of() : lb.getStatus().conditions();
    var conditions = new ConditionsBuilder(previous, generation, clock);

    var validation = outcome.validation();
    Blocker blocker = null;
    if (validation.valid()) {
      conditions.set(LoadBalancer.VALID, true, "Valid", "the spec is valid");
    } else {
      conditions.set(LoadBalancer.VALID, false, validation.reason(), validation.message());
      blocker = new Blocker(validation.reason(), "the spec is not valid: " + validation.message());
    }

    List<IpAddress> addresses = outcome.address().addresses();
    String pool = null;
    List<String> sharedWith = List.of();
    switch (outcome.address()) {
      case AddressOutcome.Held held -> {
        pool = held.pool();
        sharedWith = held.sharedWith().stream().map(Owner::name).sorted().toList();
        conditions.set(LoadBalancer.ALLOCATED, true, held.reason(), held.message());
      }
      case AddressOutcome.NotAllocated notAllocated -> {
        conditions.set(
            LoadBalancer.ALLOCATED, false, notAllocated.reason(), notAllocated.message());
        if (blocker == null) {
          blocker = new Blocker(notAllocated.reason(), notAllocated.message());
        }
      }
    }

    var programming = outcome.programming();
    if (!validation.valid()) {
      conditions.set(
          LoadBalancer.PROGRAMMED,
          false,
          AddressOutcome.NOT_VALID,
          "nothing is programmed while the spec is not valid");
    } else if (addresses.isEmpty() || programming == null) {
      conditions.set(
          LoadBalancer.PROGRAMMED, false, "NotAllocated", "nothing to program without an address");
    } else {
      var programmed = programmed(programming);
      conditions.set(
          LoadBalancer.PROGRAMMED,
          programmed.reason().equals("Programmed"),
          programmed.reason(),
          programmed.message());
      if (blocker == null && !programmed.reason().equals("Programmed")) {
        blocker = programmed;
      }
    }

    var health = outcome.health();
    var serving = outcome.backends().counts(health.unhealthyPorts());
    int draining = outcome.drain().backends().size();
    var counts = new BackendCounts(serving.healthy(), serving.total(), draining);
    String notes =
        outcome.backends().notes().stream().map(note -> "; " + note).collect(Collectors.joining())
            + (draining == 0
                ? ""
                : "; "
                    + draining
                    + (draining == 1
                        ? " removed backend keeps its"
                        : " removed backends keep their")
                    + " connections for spec.draining.timeoutSeconds, with no new ones");
    String failing = health.failures();
    ProbeProblem probeProblem = outcome.probeProblem();
    String taking =
        counts.healthy()
            + " of "
            + counts.total()
            + (counts.total() == 1 ? " backend takes" : " backends take")
            + " traffic"
            + (outcome.backends().drainingOnly()
                ? " (terminating but serving: none is ready)"
                : "");
    if (counts.healthy() > 0 && probeProblem == null) {
      conditions.set(
          LoadBalancer.BACKENDS_HEALTHY,
          true,
          "Healthy",
          taking + (failing.isEmpty() ? "" : "; failing their health probe: " + failing) + notes);
    } else if (counts.healthy() > 0) {
      // Traffic flows, but nothing checks the backends the user asked to have checked: not
      // healthy as far as anyone knows, yet no reason to stop serving (Ready stays True).
      conditions.set(
          LoadBalancer.BACKENDS_HEALTHY,
          false,
          probeProblem.reason(),
          probeProblem.what()
              + ", so no backend is probed: "
              + taking
              + " on their readiness alone: "
              + probeProblem.fix()
              + notes);
    } else {
      String why =
          outcome.backends().counts().healthy() > 0
              ? "every backend fails its health probe: "
                  + failing
                  + ": check the backends, or the HealthProbe "
                  + lb.getSpec().healthProbeRef()
              : outcome.backends().whyNoneHealthy();
      String message = why + (probeProblem == null ? "" : "; " + probeProblem) + notes;
      String reason = NO_HEALTHY_BACKENDS;
      var waiting = AwaitingBackends.left(lb, outcome, clock.instant());
      if (waiting.isPresent()) {
        reason = AwaitingBackends.REASON;
        message =
            "waiting for the first ready backend ("
                + why
                + "); this becomes NoHealthyBackends if none is ready "
                + AwaitingBackends.GRACE.toSeconds()
                + " s after the LoadBalancer was created";
      }
      conditions.set(LoadBalancer.BACKENDS_HEALTHY, false, reason, message);
      if (blocker == null) {
        blocker = new Blocker(reason, message);
      }
    }

    var announcing =
        outcome.announcing().about(addresses.stream().map(IpAddress::toString).toList());
    if (!validation.valid()) {
      conditions.set(
          LoadBalancer.ANNOUNCED,
          false,
          AddressOutcome.NOT_VALID,
          "nothing is announced while the spec is not valid");
    } else if (addresses.isEmpty() || programming == null) {
      conditions.set(
          LoadBalancer.ANNOUNCED, false, "NotAllocated", "nothing to announce without an address");
    } else {
      String reason = announcing.reason();
      conditions.set(
          LoadBalancer.ANNOUNCED,
          reason.equals(Announcing.ANNOUNCED),
          reason,
          announcing.message());
    }

    if (blocker == null) {
      conditions.set(
          LoadBalancer.READY,
          true,
          "Ready",
          "serving "
              + text(addresses)
              + " ("
              + ports(lb)
              + ") with "
              + counts.healthy()
              + (counts.healthy() == 1 ? " backend" : " backends")
              + (probeProblem == null ? "" : ", unprobed: " + probeProblem.what()));
    } else {
      conditions.set(LoadBalancer.READY, false, blocker.reason(), blocker.message());
    }

    var status =
        new LoadBalancerStatus(
            generation,
            addresses.stream().map(IpAddress::toString).toList(),
            addresses.isEmpty() ? null : text(addresses),
            pool,
            sharedWith,
            validation.valid() ? ports(lb) : null,
            counts,
            outcome.drain().backends(),
            health.listed(),
            announcing.forwarders(),
            announcing.status(),
            programming == null ? null : programming.snapshotVersion(),
            programming == null
                ? List.of()
                : programming.forwarders().stream()
                    .map(
                        f ->
                            new ForwarderProgramming(
                                f.name(),
                                f.programmed(),
                                // Only while it lags: once it runs this configuration, its later
                                // snapshots say nothing about this LoadBalancer, and writing
                                // each of them would rewrite every status after every snapshot.
                                f.programmed() ? null : f.applied(),
                                f.error()))
                    .toList(),
            conditions.build());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  /** A condition that keeps the LoadBalancer from being Ready: its reason and message. */
  private record Blocker(String reason, String message) {}

  private static Blocker programmed(Programming programming) {
    long version = programming.snapshotVersion();
    return switch (programming.state()) {
      case PROGRAMMED ->
          new Blocker(
              "Programmed", "snapshot version " + version + " runs on " + programming.names(true));
      case NO_FORWARDERS ->
          new Blocker(
              "NoForwarders",
              "no forwarder is connected: start one (gatun-forwarder --operator pointing at this"
                  + " operator's control channel) or check why they cannot connect");
      case PENDING ->
          new Blocker(
              "Pending",
              "waiting for " + programming.names(false) + " to apply snapshot version " + version);
      case FAILED ->
          new Blocker(
              "ApplyFailed",
              errors(programming, " rejected snapshot version " + version + ": ", false)
                  + "; the previous configuration stays in force: fix the spec or the forwarder");
      case REFUSED ->
          new Blocker(
              REFUSED,
              errors(programming, " refused ", true)
                  + "; its other services, and every other LoadBalancer, run: fix what the"
                  + " forwarder names in the spec (or on the forwarder's side)");
      case UNSUPPORTED ->
          new Blocker(
              "Unsupported",
              errors(programming, " cannot run this LoadBalancer: it ", false)
                  + "; change the spec (forwarding mode, scheduling, families, protocols) or run"
                  + " forwarders that support it");
    };
  }

  /** The forwarders' errors of one kind (refusals, or the others), each after its name. */
  private static String errors(Programming programming, String joiner, boolean refusals) {
    return programming.forwarders().stream()
        .filter(f -> f.error() != null && f.refused() == refusals)
        .map(f -> f.name() + joiner + f.error())
        .collect(Collectors.joining("; "));
  }

  private static String ports(LoadBalancer lb) {
    return lb.getSpec().ports().stream()
        .map(port -> port.port() + "/" + port.protocolOrDefault())
        .collect(Collectors.joining(","));
  }

  private static String text(List<IpAddress> addresses) {
    return addresses.stream().map(IpAddress::toString).collect(Collectors.joining(","));
  }
}
