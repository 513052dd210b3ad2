/* SPDX-License-Identifier: Apache-2.0
 * Counters and drop reasons, declared once: the enum and the names come from these lists. */
#ifndef GFWD_COUNTERS_H
#define GFWD_COUNTERS_H

#include <stdint.h>
#include <rte_common.h>

#define GFWD_EVENTS(X)                                                        \
	X(RX_PACKETS,        "rx_packets")                                    \
	X(RX_BYTES,          "rx_bytes")                                      \
	X(TX_PACKETS,        "tx_packets")                                    \
	X(TX_BYTES,          "tx_bytes")                                      \
	X(FWD_PACKETS,       "forward_packets")      /* client → backend */   \
	X(REV_PACKETS,       "reverse_packets")      /* backend → client */   \
	X(NEW_FLOWS,         "new_flows")                                     \
	X(FLOWS_EVICTED,     "flows_evicted")        /* table full */         \
	X(FLOWS_RESCHEDULED, "flows_rescheduled")    /* backend removed */    \
	X(ARP_REPLIES,       "arp_replies")                                   \
	X(ARP_REQUESTS,      "arp_requests")                                  \
	X(ND_SOLICITS,       "nd_solicitations")                              \
	X(ND_ADVERTS,        "nd_advertisements")                             \
	X(GARPS_SENT,        "garps_sent")           /* gratuitous ARP, unsolicited NA */ \
	X(ICMP_ECHO_REPLIES, "icmp_echo_replies")                             \
	X(ICMP_ERRORS_TRANSLATED, "icmp_errors_translated")                   \
	X(ICMP_TOO_BIG_SENT, "icmp_too_big_sent")                             \
	X(HANDOFFS,          "handoffs")             /* to the flow's worker */ \
	X(FRAGMENTS,         "fragments")            /* of datagrams translated or forwarded */ \
	X(BUSY_CYCLES,       "busy_cycles")          /* TSC cycles processing bursts */ \
	X(BURST_PACKETS,     "burst_packets")        /* packets those cycles processed */ \
	X(PUNTED,            "punted")               /* handed to the agent: gfwd_punt_read */ \
	X(ADDRESS_CONFLICTS, "address_conflicts")    /* another MAC claims an owned address */ \
	X(MIDSTREAM_FLOWS,   "midstream_flows")      /* opened by a TCP packet other than a SYN */ \
	X(KERNEL_PUNTED,     "kernel_punted")        /* handed to a port's kernel interface (BGP, BFD, ARP, NDP) */ \
	X(KERNEL_INJECTED,   "kernel_injected")      /* sent by the kernel interface, out of its port */ \
	X(REPLY_FLOWS,       "reply_flows")          /* NAT: opened by a backend's reply (return path moved) */

/* Every reason a packet is dropped. Malformed input has its own reasons. */
#define GFWD_DROPS(X)                                                         \
	X(TOO_SHORT,         "too_short")          /* truncated header */     \
	X(NOT_FOR_US,        "not_for_us")         /* other MAC */            \
	X(BAD_ETHERTYPE,     "unsupported_ethertype")                         \
	X(BAD_ARP,           "bad_arp")                                       \
	X(BAD_IP_VERSION,    "bad_ip_version")                                \
	X(BAD_IP_HEADER,     "bad_ip_header")      /* ihl, lengths */         \
	X(BAD_IP_CHECKSUM,   "bad_ip_checksum")                               \
	X(BAD_IP_OPTIONS,    "bad_ip_options")     /* an option cannot be walked */ \
	X(IP_FRAGMENT,       "ip_fragment")        /* not TCP or UDP: not translated */ \
	X(FRAGMENT_WITHOUT_FIRST, "fragment_without_first") /* its first fragment unseen */ \
	X(MARTIAN_SOURCE,    "martian_source")     /* RFC 1812 5.3.7, RFC 4291 */ \
	X(TTL_EXCEEDED,      "ttl_exceeded")                                  \
	X(BAD_L4_HEADER,     "bad_l4_header")                                 \
	X(UNSUPPORTED_PROTO, "unsupported_protocol")                          \
	X(UNSUPPORTED_ICMP,  "unsupported_icmp")                              \
	X(NO_SERVICE,        "no_service")         /* no VIP:port matches */  \
	X(NO_FLOW,           "no_flow")            /* reply without a flow */ \
	X(NO_FLOW_AMBIGUOUS, "no_flow_ambiguous")  /* NAT reply: no one service's scheduler sends the client there */ \
	X(RST_WITHOUT_FLOW,  "rst_without_flow")   /* a reset opens nothing */ \
	X(NO_BACKEND,        "no_backend")         /* none serving */         \
	X(SNAT_EXHAUSTED,    "snat_ports_exhausted")                          \
	X(FLOW_TABLE_FULL,   "flow_table_full")                               \
	X(ENCAP_TOO_BIG,     "encapsulated_too_big")                          \
	X(HANDOFF_FULL,      "handoff_queue_full")                            \
	X(NEIGH_UNRESOLVED,  "neighbor_unresolved")                           \
	X(TX_FULL,           "tx_queue_full")                                 \
	X(NO_MBUF,           "no_mbuf")                                       \
	X(PUNT_RING_FULL,    "punt_ring_full")     /* the agent did not read punted frames */ \
	X(CONTROL_RING_FULL, "control_ring_full")  /* worker 0 did not send the control side's */ \
	X(KERNEL_RING_FULL,  "kernel_ring_full")   /* the kernel interface did not take its frames */

enum gfwd_event {
#define X(id, name) EV_##id,
	GFWD_EVENTS(X)
#undef X
	EV_MAX
};

enum gfwd_drop {
#define X(id, name) DROP_##id,
	GFWD_DROPS(X)
#undef X
	DROP_MAX
};

/* One worker's counters; written by that worker only, read by anyone (torn reads of a
 * 64-bit aligned counter cannot happen on x86-64). */
struct counters {
	uint64_t event[EV_MAX];
	uint64_t drop[DROP_MAX];
} __rte_cache_aligned;

#define COUNTER_TOTAL (EV_MAX + DROP_MAX)

#endif
