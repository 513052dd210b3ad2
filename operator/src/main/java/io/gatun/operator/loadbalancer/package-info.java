/**
 * The LoadBalancer: its reconciler and the stages it reads top to bottom. Observe ({@link
 * io.gatun.operator.loadbalancer.LoadBalancerObserver} reads the pools, backends, HealthProbe and
 * namespace labels that {@link io.gatun.operator.loadbalancer.LoadBalancerWatches} keep cached),
 * validate ({@link io.gatun.operator.loadbalancer.LoadBalancerValidator}), reconcile (an address
 * from IPAM through {@link io.gatun.operator.loadbalancer.AddressAllocator}, its virtual services
 * with their draining backends published in the desired state), status ({@link
 * io.gatun.operator.loadbalancer.LoadBalancerStatusBuilder}, with events for the transitions).
 *
 * <p>Also what rebuilds IPAM from the LoadBalancers' statuses when the operator takes the lead
 * ({@link io.gatun.operator.loadbalancer.LeaseRestorer}).
 */
package io.gatun.operator.loadbalancer;
