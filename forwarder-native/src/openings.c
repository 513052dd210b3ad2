/* SPDX-License-Identifier: Apache-2.0
 * The second step of a burst's new flows, and what lets them finish first (openings.h). */
#include "openings.h"

/* Step two: the flow stored, its packet sent. */
static void opening_commit(struct worker *w, const struct config *cfg, struct opening *o)
{
	struct pkt *p = o->p;
	struct flow *f = flow_store(w, cfg, &o->t, o->b, &p->fh, &o->rev);
	if (unlikely(f == NULL)) {
		drop(w, p->m, DROP_FLOW_TABLE_FULL);
		return;
	}
	if (f->state == FLOW_TCP_ESTABLISHED)
		w->cnt.event[EV_MIDSTREAM_FLOWS]++;
	else if (f->state == FLOW_TCP_SYN)
		traffic_of(cfg, w->index, o->b)->passive.syns++;
	flow_track(f, p, DIR_FORWARD, w->now);
	if (unlikely(p->frag == FRAG_FIRST))
		first_fragment(w, f, DIR_FORWARD, p);
	forward_any(w, cfg, f, o->b, p, o->in_port);
}

static void flow_miss(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
		      struct openings *op);

/* A later packet of a flow an earlier one in the burst opened: it finds that flow now or, if
 * the flow could not open, is taken as a packet of no flow on its own, as it would have been
 * had the packets come one at a time. */
static void opening_follow(struct worker *w, const struct config *cfg, struct opening *o)
{
	enum flow_dir dir;
	struct flow *f = flow_lookup_at(w->flows, &o->p->key, &o->p->fh, w->now, &dir);
	if (f != NULL && flow_found(w, cfg, f, dir, o->p, o->in_port))
		return;
	struct openings alone;
	openings_init(&alone);
	flow_miss(w, cfg, o->in_port, o->p, &alone);
	openings_finish(w, cfg, &alone);
}

/* Step two for every flow prepared, in arrival order. */
void openings_finish(struct worker *w, const struct config *cfg, struct openings *op)
{
	for (uint32_t i = 0; i < op->n; i++) {
		struct opening *o = &op->o[i];
		if (likely(o->b != NULL))
			opening_commit(w, cfg, o);
		else
			opening_follow(w, cfg, o);
	}
	openings_init(op);
}

/* The flows being opened stored, p looked up again: true when it found one (and was handled). */
__rte_noinline bool found_after_openings(struct worker *w, const struct config *cfg, uint16_t in_port,
					 struct pkt *p, struct openings *op)
{
	openings_finish(w, cfg, op);
	enum flow_dir dir;
	struct flow *f = flow_lookup_at(w->flows, &p->key, &p->fh, w->now, &dir);
	return f != NULL && flow_found(w, cfg, f, dir, p, in_port);
}

/* flow_miss_at out of line: for opening_follow (the pipeline has its own copy inline). */
static __rte_noinline void flow_miss(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
				     struct openings *op)
{
	flow_miss_at(w, cfg, in_port, p, op);
}
