/* SPDX-License-Identifier: Apache-2.0
 * Address conflicts: another MAC on the segment claims an address this forwarder owns (a
 * peer after a partition heals, or a foreign device). ARP and NDP call address_claimed() for
 * every address a frame claims; it counts a conflict and reports it to the agent, at most
 * once per address per CONFLICT_REPORT_MS on this worker. */
#ifndef GFWD_CONFLICT_H
#define GFWD_CONFLICT_H

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include "dataplane.h"
#include "lcore.h"
#include "punt.h"

static inline bool is_port_mac(const struct rte_ether_addr *mac)
{
	for (uint16_t p = 0; p < dp.n_ports; p++)
		if (rte_is_same_ether_addr(mac, &dp.ports[p].mac))
			return true;
	return false;
}

static inline void report_conflict(struct worker *w, uint16_t in_port, uint8_t family, const struct addr *addr,
			    const struct rte_ether_addr *mac, uint8_t via)
{
	struct conflict_note *note = &w->conflicts[rte_hash_crc(addr->b, 16, family) % CONFLICT_SLOTS];
	uint64_t every = rte_get_tsc_hz() * CONFLICT_REPORT_MS / 1000;
	if (addr_eq(&note->addr, addr) && note->tsc != 0 && w->now_tsc - note->tsc < every)
		return;
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (unlikely(m == NULL)) {
		w->cnt.drop[DROP_NO_MBUF]++;
		return;
	}
	struct gfwd_conflict *c = (struct gfwd_conflict *)rte_pktmbuf_append(m, sizeof(*c));
	if (unlikely(c == NULL)) {   /* a data room smaller than the note */
		rte_pktmbuf_free(m);
		w->cnt.drop[DROP_NO_MBUF]++;
		return;
	}
	memset(c, 0, sizeof(*c));
	memcpy(c->addr, addr->b, 16);
	c->family = family;
	memcpy(c->mac, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	c->via = via;
	note->addr = *addr;
	note->tsc = w->now_tsc;
	punt(w, m, in_port, GFWD_PUNT_CONFLICT);
}

/* mac says it has addr: a conflict when addr is ours and mac is not. */
static inline void address_claimed(struct worker *w, const struct config *cfg, uint16_t in_port, uint8_t family,
				   const struct addr *addr, const struct rte_ether_addr *mac, uint8_t via)
{
	if (likely(!dp_owns(cfg, family, addr)) || is_port_mac(mac))
		return;
	w->cnt.event[EV_ADDRESS_CONFLICTS]++;
	report_conflict(w, in_port, family, addr, mac, via);
}

#endif
