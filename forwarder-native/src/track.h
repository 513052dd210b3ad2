/* SPDX-License-Identifier: Apache-2.0
 * A flow's state: how TCP and SCTP packets move it on, the timeout each state gives, and
 * the state a flow opens in. Read by every packet of a flow (forward.h) and by both ways a
 * flow opens (openings.c, reply.c). */
#ifndef GFWD_TRACK_H
#define GFWD_TRACK_H

#include <rte_sctp.h>
#include <rte_tcp.h>
#include "flow.h"
#include "parse.h"
#include "tunables.h"

static inline uint32_t flow_timeout(uint8_t state)
{
	switch (state) {
	case FLOW_TCP_SYN: return TCP_SYN_TIMEOUT_S;
	case FLOW_TCP_ESTABLISHED: return TCP_ESTABLISHED_TIMEOUT_S;
	case FLOW_TCP_CLOSING: return TCP_CLOSING_TIMEOUT_S;
	case FLOW_SCTP: return SCTP_TIMEOUT_S;
	default: return UDP_TIMEOUT_S;
	}
}

/* TCP: SYN → established once the client acknowledges; FIN or RST from either side →
 * closing. SCTP: ABORT or SHUTDOWN COMPLETE → closing. */
static inline void flow_track(struct flow *f, const struct pkt *p, enum flow_dir dir, uint32_t now)
{
	if (f->proto == IPPROTO_TCP) {
		uint8_t fl = p->tcp_flags;
		if (fl & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG))
			f->state = FLOW_TCP_CLOSING;
		else if (f->state == FLOW_TCP_SYN && dir == DIR_FORWARD &&
			 (fl & (RTE_TCP_ACK_FLAG | RTE_TCP_SYN_FLAG)) == RTE_TCP_ACK_FLAG)
			f->state = FLOW_TCP_ESTABLISHED;
	} else if (f->proto == IPPROTO_SCTP) {
		uint8_t chunk = pkt_l4(p)[sizeof(struct rte_sctp_hdr)];
		if (chunk == 6 /* ABORT */ || chunk == 14 /* SHUTDOWN COMPLETE */)
			f->state = FLOW_TCP_CLOSING;
	}
	f->expires = now + flow_timeout(f->state);
}

/* flow_track() of the packet most are, in fewer tests: one of an established TCP flow with
 * neither FIN nor RST, which only moves the expiry on (true); false for any other, left
 * untouched for flow_track(). The state implies TCP, so the flags are the packet's. */
static __rte_always_inline bool flow_track_established(struct flow *f, const struct pkt *p, uint32_t now)
{
	if (f->state != FLOW_TCP_ESTABLISHED || (p->tcp_flags & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG)))
		return false;
	f->expires = now + TCP_ESTABLISHED_TIMEOUT_S;
	return true;
}

/* A TCP flow opened by a packet other than a SYN is a connection established elsewhere
 * (through a forwarder that owned the VIP before, Katran style): it continues here on the
 * backend the same Maglev table gives, with the established timeout from the start. */
static inline uint8_t tcp_opening_state(uint8_t flags)
{
	return flags & RTE_TCP_SYN_FLAG ? FLOW_TCP_SYN : FLOW_TCP_ESTABLISHED;
}

static inline uint8_t opening_state(const struct pkt *p)
{
	return p->key.proto == IPPROTO_TCP ? tcp_opening_state(p->tcp_flags)
	       : p->key.proto == IPPROTO_SCTP ? FLOW_SCTP : FLOW_UDP;
}

#endif
