package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.Service;
import io.gatun.operator.api.ApiGroup;

/**
 * Which Services are Gatun's: type LoadBalancer with {@code spec.loadBalancerClass:
 * lb.gatun.io/dpdk}, or without a class when the operator runs as the cluster's default class.
 * Every other Service is never written to.
 */
public record ServiceClass(boolean defaultClass) {

  boolean serves(Service service) {
    var spec = service.getSpec();
    if (spec == null || !"LoadBalancer".equals(spec.getType())) {
      return false;
    }
    String requested = spec.getLoadBalancerClass();
    return requested == null ? defaultClass : ApiGroup.LOAD_BALANCER_CLASS.equals(requested);
  }
}
