/* SPDX-License-Identifier: Apache-2.0
 * Passive health (issue 16): what a backend's answers to new connections say about it, counted
 * per backend and per worker on paths the packets take anyway. Only the data plane sees these
 * first; the agent turns the sums (gfwd_traffic_read) into a verdict.
 *
 * Nothing here costs a packet more than a test of values it already has and an increment.
 * TCP answers are seen only where the return path crosses the forwarder (NAT, full NAT); in
 * DSR the SYNs are counted and their answers are not, which the agent knows from the mode. */
#ifndef GFWD_PASSIVE_H
#define GFWD_PASSIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include "flow.h"
#include "gatunfwd.h"

struct passive {
	uint64_t syns;                  /* new TCP connections forwarded (the SYN opening the flow) */
	uint64_t syn_retransmits;       /* a SYN again on a flow still waiting for its SYN-ACK */
	uint64_t syn_acks;              /* SYN-ACKs returned while the flow waited for one */
	uint64_t syn_resets;            /* RSTs returned while the flow waited for its SYN-ACK */
	uint64_t unreachable;           /* ICMP/ICMPv6 destination unreachable about a packet sent to it */
	uint64_t udp_port_unreachable;  /* of those: port unreachable about a UDP datagram */
};

static inline void passive_add(struct passive *to, const struct passive *from)
{
	to->syns += from->syns;
	to->syn_retransmits += from->syn_retransmits;
	to->syn_acks += from->syn_acks;
	to->syn_resets += from->syn_resets;
	to->unreachable += from->unreachable;
	to->udp_port_unreachable += from->udp_port_unreachable;
}

/* The same flag values as rte_tcp.h, without pulling DPDK's headers this low. */
#define PASSIVE_TCP_SYN 0x02
#define PASSIVE_TCP_RST 0x04
#define PASSIVE_TCP_ACK 0x10

/* A TCP packet of a flow the worker holds, before its state moves on. Only a flow still in
 * FLOW_TCP_SYN (no SYN-ACK acknowledged yet) tells anything, so that is the one test every
 * other packet pays. */
static __rte_always_inline void passive_tcp(struct passive *c, uint8_t state, uint8_t flags, enum flow_dir dir)
{
	if (likely(state != FLOW_TCP_SYN))
		return;
	uint8_t f = flags & (PASSIVE_TCP_SYN | PASSIVE_TCP_ACK | PASSIVE_TCP_RST);
	if (dir == DIR_FORWARD) {
		if (f == PASSIVE_TCP_SYN)
			c->syn_retransmits++;   /* the client heard nothing yet and asks again */
	} else if (f & PASSIVE_TCP_RST) {
		c->syn_resets++;            /* nothing listens: a dead or stopping server */
	} else if (f == (PASSIVE_TCP_SYN | PASSIVE_TCP_ACK)) {
		c->syn_acks++;
	}
}

/* ICMP type and codes (RFC 792, RFC 4443). "Fragmentation needed" says the path's MTU, not
 * that the backend is gone, so it is not counted. */
#define PASSIVE_ICMP4_UNREACHABLE 3
#define PASSIVE_ICMP4_PORT 3
#define PASSIVE_ICMP4_FRAG_NEEDED 4
#define PASSIVE_ICMP6_UNREACHABLE 1
#define PASSIVE_ICMP6_PORT 4

/* An ICMP error about a packet this forwarder sent the backend (from the backend itself, or
 * from a router on the way to it). `quoted_proto` is the protocol of the packet it quotes. */
static inline void passive_icmp(struct passive *c, uint8_t family, uint8_t type, uint8_t code, uint8_t quoted_proto)
{
	bool v4 = family == GFWD_AF_INET;
	if (type != (v4 ? PASSIVE_ICMP4_UNREACHABLE : PASSIVE_ICMP6_UNREACHABLE) ||
	    (v4 && code == PASSIVE_ICMP4_FRAG_NEEDED))
		return;
	c->unreachable++;
	if (quoted_proto == IPPROTO_UDP && code == (v4 ? PASSIVE_ICMP4_PORT : PASSIVE_ICMP6_PORT))
		c->udp_port_unreachable++;
}

#endif
