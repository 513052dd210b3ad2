package io.gatun.operator.reconciler;

import io.gatun.control.v1.Backend;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.util.List;

/** Backends listed in the spec: all of them count as healthy until health probes arrive. */
final class StaticBackends implements BackendSet {

  private final List<StaticBackend> backends;

  StaticBackends(List<StaticBackend> backends) {
    this.backends = List.copyOf(backends);
  }

  @Override
  public BackendCounts counts() {
    return new BackendCounts(backends.size(), backends.size());
  }

  @Override
  public List<Backend> forPort(LoadBalancerPort port, IpFamily family) {
    return backends.stream()
        .filter(backend -> familyOf(backend.address()) == family)
        .map(
            backend ->
                Backend.newBuilder()
                    .setAddress(IpAddress.parse(backend.address()).toString())
                    .setPort(backend.port() != null ? backend.port() : port.targetPortOrDefault())
                    .setWeight(backend.weightOrDefault())
                    .build())
        .sorted(ORDER)
        .distinct()
        .toList();
  }

  @Override
  public String whyNoneHealthy() {
    return "spec.backends.static lists no backend";
  }

  private static IpFamily familyOf(String address) {
    return IpAddress.parse(address).family();
  }
}
