package io.gatun.operator.reconciler;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.gatun.control.v1.Backend;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.ipam.IpFamily;
import java.util.Comparator;
import java.util.List;

/** A LoadBalancer's backends, from whichever source its spec names. */
interface BackendSet {

  /** Orders backends so equal sets give equal snapshots. */
  Comparator<Backend> ORDER =
      Comparator.comparing(Backend::getAddress).thenComparingInt(Backend::getPort);

  BackendCounts counts();

  /** The backends traffic to {@code port} goes to: ready ones of the VIP's family, ordered. */
  List<Backend> forPort(LoadBalancerPort port, IpFamily family);

  /** Says why no backend takes traffic, for the Ready condition. */
  String whyNoneHealthy();

  static BackendSet of(LoadBalancerSpec spec, List<EndpointSlice> slices) {
    var backends = spec == null ? null : spec.backends();
    if (backends != null && backends.serviceRef() != null) {
      return new EndpointSliceBackends(backends.serviceRef(), slices);
    }
    return new StaticBackends(
        backends == null || backends.staticBackends() == null
            ? List.of()
            : backends.staticBackends());
  }
}
