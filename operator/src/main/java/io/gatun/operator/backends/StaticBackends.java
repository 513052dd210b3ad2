package io.gatun.operator.backends;

import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import java.util.List;

/** Backends listed in the spec: all of them take traffic (until health probes say otherwise). */
public final class StaticBackends {

  private StaticBackends() {}

  public static BackendSet of(List<StaticBackend> backends) {
    return new BackendSet(
        backends.stream()
            .map(
                backend ->
                    new BackendCandidate(
                        IpAddress.parse(backend.address()),
                        BackendCandidate.State.READY,
                        null,
                        backend.weightOrDefault(),
                        backend.port(),
                        LoadBalancerPort::targetPortOrDefault))
            .toList(),
        "spec.backends.static lists no backend: add one");
  }
}
