/* SPDX-License-Identifier: Apache-2.0
 * The exception path: what a worker hands to the agent instead of answering or forwarding
 * it (the fleet's advertisements, address-conflict reports). One ring for every worker;
 * the agent reads it with gfwd_punt_read(). */
#ifndef GFWD_PUNT_H
#define GFWD_PUNT_H

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include "dataplane.h"
#include "lcore.h"
#include "parse.h"

static const struct rte_ether_addr FLEET_MAC = { .addr_bytes = GFWD_FLEET_MAC };

/* A fleet advertisement: the EtherType, to the fleet's group or to this port. */
static inline bool is_fleet_frame(const struct pkt *p, const struct port *port)
{
	return p->ether_type == RTE_BE16(GFWD_FLEET_ETHERTYPE) &&
	       (rte_is_same_ether_addr(&p->eth->dst_addr, &FLEET_MAC) ||
		rte_is_same_ether_addr(&p->eth->dst_addr, &port->mac));
}

/* Hands m (enum gfwd_punt_kind `kind`, arrived on in_port) to the agent, or drops it when
 * the agent is that far behind. The kind rides in the mbuf's user hash, unused here. */
static inline void punt(struct worker *w, struct rte_mbuf *m, uint16_t in_port, uint8_t kind)
{
	m->port = in_port;
	m->hash.usr = kind;
	if (unlikely(rte_ring_mp_enqueue(dp.punt, m) != 0)) {
		drop(w, m, DROP_PUNT_RING_FULL);
		return;
	}
	w->cnt.event[EV_PUNTED]++;
}

#endif
