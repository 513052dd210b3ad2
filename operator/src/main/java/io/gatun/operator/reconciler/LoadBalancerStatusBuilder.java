package io.gatun.operator.reconciler;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ForwarderProgramming;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.control.Programming;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.status.ConditionsBuilder;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds a LoadBalancer's whole status from one reconcile's {@link LoadBalancerOutcome}.
 *
 * <p>Conditions, each with a reason from a short fixed list:
 *
 * <ul>
 *   <li>Accepted: Accepted | Invalid | Unsupported
 *   <li>Allocated: Allocated | NotAccepted | PoolNotFound | PoolInvalid | NoAutoAssignPool |
 *       PoolExhausted | AddressInUse | AddressNotInPool
 *   <li>Programmed: Programmed | NotAccepted | NotAllocated | NoForwarders | Pending | ApplyFailed
 *   <li>Ready: Ready | NotAccepted | NotAllocated | NotProgrammed | NoHealthyBackends
 * </ul>
 */
final class LoadBalancerStatusBuilder {

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
    boolean accepted = validation.accepted();
    if (accepted) {
      conditions.set(LoadBalancer.ACCEPTED, true, "Accepted", "the spec is valid and supported");
    } else if (!validation.invalid().isEmpty()) {
      conditions.set(
          LoadBalancer.ACCEPTED,
          false,
          "Invalid",
          joined(validation.invalid(), validation.unsupported()));
    } else {
      conditions.set(
          LoadBalancer.ACCEPTED, false, "Unsupported", joined(validation.unsupported(), List.of()));
    }

    List<IpAddress> addresses = List.of();
    String pool = null;
    switch (outcome.address()) {
      case AddressOutcome.Allocated allocated -> {
        addresses = allocated.addresses();
        pool = allocated.pool();
        conditions.set(
            LoadBalancer.ALLOCATED, true, "Allocated", text(addresses) + " from Pool " + pool);
      }
      case AddressOutcome.NotAllocated notAllocated ->
          conditions.set(
              LoadBalancer.ALLOCATED, false, notAllocated.reason(), notAllocated.message());
    }
    boolean allocated = !addresses.isEmpty();

    var programming = outcome.programming();
    boolean programmed = programming != null && programming.state() == Programming.State.PROGRAMMED;
    if (!accepted) {
      conditions.set(
          LoadBalancer.PROGRAMMED,
          false,
          "NotAccepted",
          "nothing is programmed while the spec is not accepted");
    } else if (!allocated || programming == null) {
      conditions.set(
          LoadBalancer.PROGRAMMED, false, "NotAllocated", "nothing to program without an address");
    } else {
      setProgrammed(conditions, programming);
    }

    int healthy = outcome.backends().healthy();
    if (!accepted) {
      conditions.set(LoadBalancer.READY, false, "NotAccepted", "the spec is not accepted");
    } else if (!allocated) {
      conditions.set(LoadBalancer.READY, false, "NotAllocated", "the LoadBalancer has no address");
    } else if (!programmed) {
      conditions.set(
          LoadBalancer.READY,
          false,
          "NotProgrammed",
          "the forwarders do not run the current configuration");
    } else if (healthy == 0) {
      conditions.set(
          LoadBalancer.READY, false, "NoHealthyBackends", outcome.whyNoHealthyBackends());
    } else {
      conditions.set(
          LoadBalancer.READY,
          true,
          "Ready",
          "serving "
              + text(addresses)
              + " with "
              + healthy
              + (healthy == 1 ? " backend" : " backends"));
    }

    var status =
        new LoadBalancerStatus(
            generation,
            addresses.stream().map(IpAddress::toString).toList(),
            pool,
            accepted ? ports(lb) : null,
            outcome.backends(),
            programming == null ? null : programming.generation(),
            programming == null
                ? List.of()
                : programming.forwarders().stream()
                    .map(f -> new ForwarderProgramming(f.name(), f.programmed(), f.error()))
                    .toList(),
            conditions.build());
    return new StatusUpdate<>(status, conditions.transitions());
  }

  private static void setProgrammed(ConditionsBuilder conditions, Programming programming) {
    long generation = programming.generation();
    switch (programming.state()) {
      case PROGRAMMED ->
          conditions.set(
              LoadBalancer.PROGRAMMED,
              true,
              "Programmed",
              "generation " + generation + " runs on " + programming.names(true));
      case NO_FORWARDERS ->
          conditions.set(
              LoadBalancer.PROGRAMMED, false, "NoForwarders", "no forwarder is connected");
      case PENDING ->
          conditions.set(
              LoadBalancer.PROGRAMMED,
              false,
              "Pending",
              "waiting for " + programming.names(false) + " to apply generation " + generation);
      case FAILED ->
          conditions.set(
              LoadBalancer.PROGRAMMED,
              false,
              "ApplyFailed",
              programming.forwarders().stream()
                  .filter(f -> f.error() != null)
                  .map(f -> f.name() + " rejected generation " + generation + ": " + f.error())
                  .collect(Collectors.joining("; ")));
    }
  }

  private static String ports(LoadBalancer lb) {
    return lb.getSpec().ports().stream()
        .map(port -> port.port() + "/" + port.protocolOrDefault())
        .collect(Collectors.joining(","));
  }

  private static String text(List<IpAddress> addresses) {
    return addresses.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
  }

  private static String joined(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).collect(Collectors.joining("; "));
  }
}
