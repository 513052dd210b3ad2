package io.gatun.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds IPAM from the API before any reconciler runs: the LoadBalancers' {@code
 * status.addresses} are the record of who holds what.
 */
final class LeaseRestorer {

  private static final Logger log = LoggerFactory.getLogger(LeaseRestorer.class);

  private LeaseRestorer() {}

  /** Returns the LoadBalancers that exist now. */
  static List<Owner> restore(KubernetesClient client, Ipam ipam) {
    List<LoadBalancer> all =
        client.resources(LoadBalancer.class).inAnyNamespace().list().getItems();
    // Oldest first: if two LoadBalancers claim one address, the older keeps it.
    var ordered =
        all.stream()
            .sorted(
                Comparator.comparing((LoadBalancer lb) -> lb.getMetadata().getCreationTimestamp())
                    .thenComparing(lb -> lb.getMetadata().getNamespace())
                    .thenComparing(lb -> lb.getMetadata().getName()))
            .toList();
    var claims = new ArrayList<Ipam.Claim>();
    for (LoadBalancer lb : ordered) {
      var owner = new Owner(lb.getMetadata().getNamespace(), lb.getMetadata().getName());
      List<String> addresses = lb.getStatus() == null ? List.of() : lb.getStatus().addresses();
      try {
        claims.add(new Ipam.Claim(owner, addresses.stream().map(IpAddress::parse).toList()));
      } catch (IllegalArgumentException e) {
        log.warn(
            "Ignoring the addresses of LoadBalancer {} in its status: {}", owner, e.getMessage());
      }
    }
    for (Ipam.Claim refused : ipam.restore(claims)) {
      log.warn(
          "LoadBalancer {} claims {} held by an older LoadBalancer; it will get another address",
          refused.owner(),
          refused.addresses());
    }
    long held = claims.stream().filter(claim -> !claim.addresses().isEmpty()).count();
    log.info("Restored IPAM: {} LoadBalancers, {} holding addresses", all.size(), held);
    return ordered.stream()
        .map(lb -> new Owner(lb.getMetadata().getNamespace(), lb.getMetadata().getName()))
        .toList();
  }
}
