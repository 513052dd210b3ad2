package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A LoadBalancer that has never had a ready backend, in its first minute, is waiting rather than
 * failing: a Service's EndpointSlice comes a moment after the Service, and pods created with it
 * become ready seconds later. So {@code BackendsHealthy} says {@value #REASON}, with no Warning
 * event, until the minute is over (as a Deployment's progress deadline does); then, or as soon as
 * it had ready backends once, none ready is {@code NoHealthyBackends} and a Warning.
 *
 * <p>Only backends that come from the cluster wait: a static list with no backend is a spec to fix.
 */
final class AwaitingBackends {

  static final String REASON = "AwaitingBackends";

  static final Duration GRACE = Duration.ofSeconds(60);

  private AwaitingBackends() {}

  /** How much of its first minute is left while it still waits; empty when it does not wait. */
  static Optional<Duration> left(LoadBalancer lb, LoadBalancerOutcome outcome, Instant now) {
    var spec = lb.getSpec();
    if (outcome.backends().counts().healthy() > 0
        || spec == null
        || spec.backends() == null
        || spec.backends().staticBackends() != null
        || pastWaiting(lb)) {
      return Optional.empty();
    }
    Optional<Instant> created = createdAt(lb);
    if (created.isEmpty()) {
      return Optional.empty();
    }
    Duration left = GRACE.minus(Duration.between(created.get(), now));
    return left.isPositive() ? Optional.of(left) : Optional.empty();
  }

  /** Its status has said BackendsHealthy with another reason than waiting: it is past waiting. */
  private static boolean pastWaiting(LoadBalancer lb) {
    return backendsHealthyBefore(lb).filter(c -> !REASON.equals(c.reason())).isPresent();
  }

  /** BackendsHealthy as its status has it (the status before this reconcile's). */
  static Optional<Condition> backendsHealthyBefore(LoadBalancer lb) {
    if (lb.getStatus() == null) {
      return Optional.empty();
    }
    return lb.getStatus().conditions().stream()
        .filter(c -> c.type().equals(LoadBalancer.BACKENDS_HEALTHY))
        .findFirst();
  }

  private static Optional<Instant> createdAt(LoadBalancer lb) {
    String created = lb.getMetadata().getCreationTimestamp();
    if (created == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(created));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
