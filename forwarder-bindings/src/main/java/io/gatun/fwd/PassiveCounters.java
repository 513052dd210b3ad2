package io.gatun.fwd;

/**
 * How a backend answered new connections, as only the data plane sees it (the passive health
 * counters of {@code struct gfwd_backend_traffic}, summed over workers and cumulative). TCP answers
 * cross the forwarder in NAT and full NAT only; in DSR {@code synAcks} and {@code synResets} stay
 * 0.
 *
 * @param syns new TCP connections forwarded to the backend (their opening SYN)
 * @param synRetransmits SYNs again on a connection still waiting for its SYN-ACK
 * @param synAcks SYN-ACKs the backend returned to a waiting connection
 * @param synResets RSTs the backend returned to a waiting connection
 * @param unreachable ICMP/ICMPv6 destination unreachable about a packet sent to the backend
 * @param udpPortUnreachable of those, port unreachable about a UDP datagram
 */
public record PassiveCounters(
    long syns,
    long synRetransmits,
    long synAcks,
    long synResets,
    long unreachable,
    long udpPortUnreachable) {
  /** Nothing counted. */
  public static final PassiveCounters NONE = new PassiveCounters(0, 0, 0, 0, 0, 0);
}
