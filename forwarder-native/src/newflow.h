/* SPDX-License-Identifier: Apache-2.0
 * What a new flow holds from its start (its backend address's reference, in full NAT its
 * SNAT port), given back when it cannot be stored; and storing it, counted as new. Shared by
 * the two ways a flow opens: a client's packet (openings.c) and a NAT backend's reply
 * without a flow (reply.c). */
#ifndef GFWD_NEWFLOW_H
#define GFWD_NEWFLOW_H

#include "config.h"
#include "flow.h"
#include "lcore.h"
#include "snat.h"

/* What a new flow t (to backend b) holds from its start: a reference to its backend's
 * address and, in full NAT, its source port. false, with *why, when either has run out. */
static inline bool flow_take(struct worker *w, struct flow *t, const struct backend *b, enum gfwd_drop *why)
{
	uint32_t id = flow_addr_take(w->flows, &b->addr, t->family);
	if (unlikely(id == FLOW_ADDR_NONE)) {
		*why = DROP_FLOW_TABLE_FULL;   /* FLOW_ADDRS backend addresses in use */
		return false;
	}
	t->backend_id = (uint16_t)id;
	if (t->mode == GFWD_MODE_FULLNAT) {
		struct snat_key sk = snat_key_of(w->flows, t);
		t->snat_port = snat_port_take(&w->snat, &sk);
		if (unlikely(t->snat_port == 0)) {
			flow_addr_put(w->flows, t->backend_id);
			*why = DROP_SNAT_EXHAUSTED;
			return false;
		}
	}
	return true;
}

/* Gives back what flow_take took, for a flow that could not be stored. */
static inline void flow_untake(struct worker *w, const struct flow *t)
{
	if (t->snat_port != 0) {
		struct snat_key sk = snat_key_of(w->flows, t);
		snat_port_release(&w->snat, &sk, t->snat_port);
	}
	flow_addr_put(w->flows, t->backend_id);
}

/* Stores flow t (what it holds taken; fwd and rev its two directions' hashes) and counts it
 * as new; NULL when the table has no room, what t held given back. */
static inline struct flow *flow_store(struct worker *w, const struct config *cfg, const struct flow *t,
				      const struct backend *b, const struct flow_hash *fwd, const struct flow_hash *rev)
{
	struct flow *f = flow_insert_hashed(w->flows, t, fwd, rev, w->now);
	if (unlikely(f == NULL)) {
		flow_untake(w, t);
		return NULL;
	}
	w->cnt.event[EV_NEW_FLOWS]++;
	struct traffic *tb = traffic_of(cfg, w->index, b);
	tb->new_flows++;
	tb->active++;
	return f;
}

#endif
