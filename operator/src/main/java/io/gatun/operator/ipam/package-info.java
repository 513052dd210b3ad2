/**
 * Address management: which LoadBalancer holds which VIP.
 *
 * <p>Pure Java, no Kubernetes types: the reconcilers translate Pools and LoadBalancers into {@link
 * io.gatun.operator.ipam.PoolAddresses} and {@link io.gatun.operator.ipam.AddressRequest}s.
 * Addresses are family-neutral ({@link io.gatun.operator.ipam.IpAddress} holds IPv4 and IPv6 as one
 * unsigned integer plus a family).
 */
package io.gatun.operator.ipam;
