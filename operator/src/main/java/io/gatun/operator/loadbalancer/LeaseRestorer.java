package io.gatun.operator.loadbalancer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.Lease;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds IPAM from the API before any reconciler runs: the LoadBalancers' {@code
 * status.addresses} and {@code status.pool} are the record of who holds what; their specs say on
 * what terms (sharing key, ports).
 */
public final class LeaseRestorer {

  private static final Logger log = LoggerFactory.getLogger(LeaseRestorer.class);

  private LeaseRestorer() {}

  /** Returns the LoadBalancers that exist now. */
  public static List<Owner> restore(KubernetesClient client, Ipam ipam) {
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
    var leases = new ArrayList<Lease>();
    for (LoadBalancer lb : ordered) {
      var owner = LoadBalancerReconciler.ownerOf(lb);
      try {
        leases.add(AddressAllocator.recordedLease(owner, lb));
      } catch (IllegalArgumentException e) {
        log.warn(
            "Ignoring the addresses of LoadBalancer {} in its status: {}", owner, e.getMessage());
      }
    }
    for (Lease refused : ipam.restore(leases)) {
      log.warn(
          "LoadBalancer {} claims {} held by an older LoadBalancer; it will get another address",
          refused.owner(),
          refused.addresses());
    }
    long held = leases.stream().filter(lease -> !lease.addresses().isEmpty()).count();
    log.info("Restored IPAM: {} LoadBalancers, {} holding addresses", all.size(), held);
    return ordered.stream().map(LoadBalancerReconciler::ownerOf).toList();
  }
}
