package io.gatun.operator.backends;

import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import java.util.List;
import java.util.Optional;

/** Backends listed in the spec: all of them take traffic (until health probes say otherwise). */
public final class StaticBackends {

  private StaticBackends() {}

  /**
   * Each backend's address parsed once; one that does not parse is left out (the validator says
   * why).
   */
  public static BackendSet of(List<StaticBackend> backends) {
    return new BackendSet(
        backends.stream()
            .flatMap(
                backend ->
                    parsed(backend.address()).map(address -> candidate(backend, address)).stream())
            .toList(),
        "spec.backends.static lists no backend: add one");
  }

  private static BackendCandidate candidate(StaticBackend backend, IpAddress address) {
    return new BackendCandidate(
        address,
        BackendCandidate.State.READY,
        null,
        backend.weightOrDefault(),
        backend.port(),
        LoadBalancerPort::targetPortOrDefault);
  }

  private static Optional<IpAddress> parsed(String address) {
    try {
      return Optional.of(IpAddress.parse(address));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
