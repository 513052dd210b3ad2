package io.gatun.operator.control;

import io.gatun.operator.ipam.Owner;
import java.util.Optional;

/**
 * What a virtual service's key says: {@code <namespace>/<loadbalancer>/<port name>[/<family>]}, so
 * whatever a forwarder reports about a service (a refusal, a probe verdict) leads back to its
 * LoadBalancer.
 */
public final class ServiceKeys {

  private ServiceKeys() {}

  /** The LoadBalancer a key belongs to; empty for a key not made by this operator. */
  public static Optional<Owner> ownerOf(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Owner(parts[0], parts[1]));
  }
}
