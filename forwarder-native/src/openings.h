/* SPDX-License-Identifier: Apache-2.0
 * A packet no flow matched, and the new flows a burst opens.
 *
 * What a new flow costs is mostly waiting: the two buckets its reverse direction goes into
 * and the entry it fills are anywhere in a large table. So a burst's new flows open in two
 * steps (as in Katran and VPP): each is prepared when its packet comes (scheduled, its
 * backend address and SNAT port taken, its reverse key hashed, and what its insertion will
 * write starts loading), then, after the burst's other packets, stored and forwarded in
 * arrival order. A later packet of a flow being opened waits behind it and then finds it: one
 * flow, not two. Whatever else could make a flow or find one another way (a NAT reply, a
 * fragment, ICMP, the kernel's packets, ARP, any packet of no flow that opens none) first
 * lets the prepared ones finish, so every outcome is the one taking the packets one at a
 * time gives (but for which flow a full table evicts, and which SNAT port a flow gets).
 *
 * What is inline here is on every new flow's path (the pipeline's copy of flow_miss_at, the
 * preparing of an opening); the second step and the rarer paths are in openings.c. */
#ifndef GFWD_OPENINGS_H
#define GFWD_OPENINGS_H

#include "config.h"
#include "forward.h"
#include "lcore.h"
#include "martian.h"
#include "newflow.h"
#include "parse.h"
#include "reply.h"
#include "scheduler.h"
#include "track.h"

/* A new flow between its two steps. */
struct opening {
	struct pkt *p;
	const struct service *svc;
	const struct backend *b;   /* NULL: a later packet of a flow opened before it in the burst */
	uint16_t in_port;
	struct flow_hash rev;      /* the reverse key's hash and buckets */
	struct flow t;             /* the flow as it will be stored, what it holds taken */
};

#define OPENINGS_FILTER_WORDS 8

static inline uint32_t openings_filter_word(uint32_t hash)
{
	return hash >> 6 & (OPENINGS_FILTER_WORDS - 1);
}

struct openings {
	uint32_t n;
	uint32_t prepared;         /* those with a backend: the insertions before the next one's */
	/* A bit per (forward hash mod 512) prepared: most packets need no search. 512 bits for
	 * bursts of 64 (with 64 a new flow late in a burst searched four times in ten). */
	uint64_t hashes[OPENINGS_FILTER_WORDS];
	struct opening o[BURST_SIZE];
};

/* Step one: schedule, take what the flow holds, hash its reverse key, and start loading
 * its reverse buckets and the entry it will fill (`ahead` insertions come first). */
static inline bool opening_prepare(struct worker *w, const struct config *cfg, struct opening *o, uint32_t ahead,
				   enum gfwd_drop *why)
{
	const struct pkt *p = o->p;
	const struct service *svc = o->svc;
	uint32_t bi = sched_pick(w, cfg, svc, p, p->fh.hash);
	if (unlikely(bi == NO_BACKEND)) {
		*why = DROP_NO_BACKEND;
		return false;
	}
	const struct backend *b = &cfg->backends[bi];
	o->b = b;
	/* Field by field (every one of them): a compound literal is built zeroed, then copied. */
	struct flow *t = &o->t;
	t->client_addr = p->key.src;
	t->client_port = p->key.sport;
	t->vport = p->key.dport;
	t->backend_port = b->port;
	t->snat_port = 0;
	t->backend_idx = bi;
	t->expires = 0;
	t->vip_id = svc->vip_id;
	memcpy(t->client_mac, p->eth->src_addr.addr_bytes, RTE_ETHER_ADDR_LEN);
	t->snat_id = (uint8_t)dp.neigh.e[b->neigh].port;
	t->proto = p->key.proto;
	t->family = p->key.family;
	t->state = opening_state(p);
	t->in_port = (uint8_t)o->in_port;
	t->mode = svc->mode;
	if (!flow_take(w, t, b, why))
		return false;
	struct flow_key kr;
	flow_key_of(w->flows, t, DIR_REVERSE, &kr);
	flow_prepare(t, &p->key, &kr, cfg->st_serial);   /* bi is cfg's */
	o->rev = flow_hash_at(w->flows, flow_key_hash(&kr));
	flow_prefetch(w->flows, &o->rev);
	flow_prefetch_free(w->flows, ahead);
	return true;
}

static inline void openings_init(struct openings *op)
{
	op->n = op->prepared = 0;   /* the entries are written before they are read */
	memset(op->hashes, 0, sizeof(op->hashes));
}

/* Step two for every flow prepared, in arrival order (openings.c). */
void openings_finish(struct worker *w, const struct config *cfg, struct openings *op);

/* Whether p's flow is among those being opened. */
static inline bool opening_pending(const struct openings *op, const struct pkt *p)
{
	if (likely(!(op->hashes[openings_filter_word(p->fh.hash)] & 1ull << (p->fh.hash & 63))))
		return false;
	for (uint32_t i = 0; i < op->n; i++) {
		const struct opening *o = &op->o[i];
		if (o->b != NULL && o->p->fh.hash == p->fh.hash && flow_key_eq(&o->p->key, &p->key))
			return true;
	}
	return false;
}

/* p belongs to a flow being opened: it waits for it (opening_follow). */
static inline void opening_wait(struct openings *op, struct pkt *p, uint16_t in_port)
{
	struct opening *o = &op->o[op->n++];
	o->p = p;
	o->in_port = in_port;
	o->b = NULL;
}

/* p opens a flow of svc: prepared now (or dropped, if it cannot open), finished with the
 * burst (openings_finish). */
static inline void opening_add(struct worker *w, const struct config *cfg, const struct service *svc,
			       struct pkt *p, uint16_t in_port, struct openings *op)
{
	struct opening *o = &op->o[op->n];
	o->p = p;
	o->svc = svc;
	o->in_port = in_port;
	enum gfwd_drop why;
	if (unlikely(!opening_prepare(w, cfg, o, op->prepared, &why))) {
		drop(w, p->m, why);
		return;
	}
	op->hashes[openings_filter_word(p->fh.hash)] |= 1ull << (p->fh.hash & 63);
	op->prepared++;
	op->n++;
}

/* The flows being opened stored, p looked up again: true when it found one (and was handled). */
bool found_after_openings(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
			  struct openings *op);

/* No flow matched p. A packet of a flow being opened waits for it (before anything else: a
 * reset must find that flow, as one at a time); a client's first packet to a service opens
 * a flow; anything else first lets the flows being opened finish and looks again (an older
 * connection's answer may reach one of them, through a port used again), then a NAT
 * backend's reply may make a flow; the rest are dropped. */
static __rte_always_inline void flow_miss_at(struct worker *w, const struct config *cfg, uint16_t in_port,
					     struct pkt *p, struct openings *op)
{
	if (unlikely(opening_pending(op, p))) {
		opening_wait(op, p, in_port);
		return;
	}
	if (unlikely(martian_source(cfg, p))) {
		drop(w, p->m, DROP_MARTIAN_SOURCE);   /* no flow for it, no answer to it */
		return;
	}
	bool reset = p->key.proto == IPPROTO_TCP && (p->tcp_flags & RTE_TCP_RST_FLAG);
	const struct service *svc = config_find_service(cfg, &p->key.dst, p->key.dport, p->key.proto);
	if (likely(svc != NULL && !reset)) {
		opening_add(w, cfg, svc, p, in_port, op);
		return;
	}
	if (op->n != 0 && found_after_openings(w, cfg, in_port, p, op))
		return;
	if (unlikely(reset)) {
		drop(w, p->m, DROP_RST_WITHOUT_FLOW);   /* a reset opens no connection */
		return;
	}
	if (dp_is_port_addr(p->key.family, &p->key.dst, NULL)) {
		drop(w, p->m, DROP_NO_FLOW);   /* full NAT: our source port, another forwarder's flow */
		return;
	}
	enum gfwd_drop why;
	struct flow *f = reply_open(w, cfg, p, &why);
	if (f == NULL) {
		drop(w, p->m, why);
		return;
	}
	flow_track(f, p, DIR_REVERSE, w->now);
	reverse(w, cfg, f, &cfg->backends[f->backend_idx], p);
}

#endif

