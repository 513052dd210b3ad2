package io.gatun.operator.api;

/** How a pool's VIPs reach the network. */
public enum AnnouncementMode {
  /** The owning forwarder answers ARP / NDP for the VIP (gratuitous ARP on take-over). */
  L2,
  /** Forwarders advertise the VIP to BGP peers. */
  BGP
}
