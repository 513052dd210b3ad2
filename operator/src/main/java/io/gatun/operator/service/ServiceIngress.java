package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** A Service's {@code status.loadBalancer.ingress}: where its VIPs are shown. */
final class ServiceIngress {

  private ServiceIngress() {}

  /** The addresses the ingress lists now. */
  static List<String> of(Service service) {
    var status = service.getStatus();
    if (status == null
        || status.getLoadBalancer() == null
        || status.getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return status.getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp).toList();
  }

  /** Makes the ingress list exactly {@code addresses}, unless it already does. */
  static void write(KubernetesClient client, Service service, List<String> addresses) {
    if (of(service).equals(addresses)) {
      return;
    }
    List<LoadBalancerIngress> ingress =
        addresses.stream().map(a -> new LoadBalancerIngressBuilder().withIp(a).build()).toList();
    client
        .services()
        .inNamespace(service.getMetadata().getNamespace())
        .withName(service.getMetadata().getName())
        .editStatus(
            current -> {
              if (current.getStatus() == null) {
                current.setStatus(new ServiceStatus());
              }
              if (current.getStatus().getLoadBalancer() == null) {
                current.getStatus().setLoadBalancer(new LoadBalancerStatus());
              }
              current.getStatus().getLoadBalancer().setIngress(ingress);
              return current;
            });
  }
}
