/* SPDX-License-Identifier: Apache-2.0
 * The per-packet path, as a pipeline:
 *
 *   parse L2 ─ ARP ─────────────────────────────────────────────▶ arp.c (a copy: kernel.h)
 *            ├ the fleet's advertisements ──────────────────────▶ punt.h (to the agent)
 *            └ IPv4 / IPv6 ─ parse L4 ─ NDP ─────────────────────▶ ndp.c (a copy: kernel.h)
 *                                     ├ BGP, BFD to the port ────▶ kernel.h (its kernel interface)
 *                                     ├ ICMP / ICMPv6 ───────────▶ icmp.c
 *                                     └ flow lookup ─ hit ─ forward(mode) / reverse(mode)
 *                                                   └ miss ─ service ─ prepare ┄┄ store ─ forward(mode)
 *
 * A new flow is prepared (scheduled, its SNAT port taken, its reverse buckets loading) when
 * its packet comes and stored once the burst's other packets are through ("new flows, a
 * burst at a time" below).
 *
 * forward() is written once and specialised per forwarding mode by a literal argument
 * (VPP style), so no packet pays for a mode it does not use. */
#include <rte_ether.h>
#include <rte_ip.h>
#include "arp.h"
#include "dataplane.h"
#include "encap.h"
#include "frag.h"
#include "icmp.h"
#include "kernel.h"
#include "martian.h"
#include "nat.h"
#include "ndp.h"
#include "parse.h"
#include "passive.h"
#include "pipeline.h"
#include "punt.h"
#include "scheduler.h"

static inline const struct backend *flow_backend(struct worker *w, const struct config *cfg, struct flow *f)
{
	return flow_backend_in(cfg, &f->backend_idx, f->vip_id, &dp.vips[f->vip_id], f->vport, f->proto,
			       flow_backend_addr(w->flows, f), f->backend_port);
}

/* b: the flow's backend in cfg (flow_backend()), whose service is the flow's. */
static inline void count(struct worker *w, const struct config *cfg, const struct flow *f,
			 const struct backend *b, uint32_t bytes)
{
	struct traffic *tb = traffic_of(cfg, w->index, b);   /* its service's count too (traffic.h) */
	tb->packets++;
	tb->bytes += bytes;
}

static inline void eth_set(struct rte_ether_hdr *eth, const struct rte_ether_addr *dst,
			   const struct rte_ether_addr *src)
{
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
}

/* ---------------------------------------------------------------- flow state */

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

/* A TCP flow opened by a packet other than a SYN is a connection established elsewhere
 * (through a forwarder that owned the VIP before, Katran style): it continues here on the
 * backend the same Maglev table gives, with the established timeout from the start. */
static inline uint8_t tcp_opening_state(uint8_t flags)
{
	return flags & RTE_TCP_SYN_FLAG ? FLOW_TCP_SYN : FLOW_TCP_ESTABLISHED;
}

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
static void flow_untake(struct worker *w, const struct flow *t)
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

static inline uint8_t opening_state(const struct pkt *p)
{
	return p->key.proto == IPPROTO_TCP ? tcp_opening_state(p->tcp_flags)
	       : p->key.proto == IPPROTO_SCTP ? FLOW_SCTP : FLOW_UDP;
}

/* ---------------------------------------------------------------- the NAT return path */

/* The NAT service a backend's reply belongs to, when its forward flow went through another
 * forwarder (the VIP's owner before this one; the backends' gateway address moved here with
 * ownership): the only NAT service that has this backend, or among several the one whose
 * scheduler sends the client's tuple (client → VIP:port) to it, as the old owner's did. */
static const struct service *reply_service(const struct config *cfg, const struct pkt *p, uint32_t *bi,
					   enum gfwd_drop *why)
{
	const struct nat_return *r;
	uint32_t n = config_nat_services(cfg, p->key.family, p->key.proto, &p->key.src, p->key.sport, &r);
	if (n == 0) {
		*why = DROP_NO_SERVICE;
		return NULL;
	}
	const struct service *found = NULL;
	for (uint32_t i = 0; i < n; i++) {
		const struct service *svc = &cfg->services[r[i].service];
		int64_t at = config_find_backend(cfg, svc, &p->key.src, p->key.sport);
		if (at < 0)
			continue;
		if (n > 1) {
			struct flow_key k = {
				.src = p->key.dst, .dst = svc->vip, .sport = p->key.dport, .dport = svc->port,
				.proto = p->key.proto, .family = p->key.family,
			};
			if (sched_pick_by_tuple(svc, &k.src, flow_key_hash(&k)) != (uint32_t)at)
				continue;
			if (found != NULL) {
				*why = DROP_NO_FLOW_AMBIGUOUS;   /* two schedulers send this client here */
				return NULL;
			}
		}
		found = svc;
		*bi = (uint32_t)at;
	}
	if (found == NULL)
		*why = DROP_NO_FLOW_AMBIGUOUS;
	return found;
}

/* A reply from a NAT backend without a flow: the flow is made as if the client's packet had
 * come first, its client's previous hop from the neighbour table (the client itself on a
 * port's prefix, else the port's gateway; asked for when unknown: this reply is dropped, the
 * backend's retransmission finds it). */
static struct flow *reply_open(struct worker *w, const struct config *cfg, const struct pkt *p,
			       enum gfwd_drop *why)
{
	uint32_t bi;
	const struct service *svc = reply_service(cfg, p, &bi, why);
	if (svc == NULL)
		return NULL;
	uint16_t hop = dp_next_hop(&p->key.dst, p->key.family);   /* rare: may create the entry */
	struct rte_ether_addr mac;
	if (hop == NEIGH_NONE || !neigh_mac(&dp.neigh, hop, &mac)) {
		*why = DROP_NEIGH_UNRESOLVED;
		return NULL;
	}
	const struct backend *b = &cfg->backends[bi];
	struct flow t = {
		.client = p->key.dst, .client_port = p->key.dport, .backend_port = b->port,
		.vport = svc->port, .vip_id = svc->vip_id, .backend_idx = bi,
		.snat_id = (uint8_t)dp.neigh.e[b->neigh].port,
		.proto = p->key.proto, .family = p->key.family, .state = opening_state(p),
		.in_port = (uint8_t)dp.neigh.e[hop].port, .mode = svc->mode,
	};
	memcpy(t.client_mac, mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (!flow_take(w, &t, b, why))
		return NULL;
	struct flow_key k;   /* the client's key, not this packet's: both directions hashed from t */
	flow_key_of(w->flows, &t, DIR_FORWARD, &k);
	struct flow_hash fwd = flow_hash_at(w->flows, flow_key_hash(&k));
	struct flow_hash rev = flow_hash_at(w->flows, flow_reverse_hash(w->flows, &t));
	struct flow *f = flow_store(w, cfg, &t, b, &fwd, &rev);
	if (unlikely(f == NULL)) {
		*why = DROP_FLOW_TABLE_FULL;
		return NULL;
	}
	w->cnt.event[EV_REPLY_FLOWS]++;
	return f;
}

/* ---------------------------------------------------------------- forwarding */

/* Client → backend. `mode` is a literal at every call: one specialised copy per mode. */
static __rte_always_inline void forward(struct worker *w, const struct config *cfg, struct flow *f,
					const struct backend *b, struct pkt *p, uint16_t in_port,
					const uint8_t mode)
{
	struct rte_ether_addr mac;
	if (unlikely(!neigh_mac(&dp.neigh, b->neigh, &mac))) {
		drop(w, p->m, DROP_NEIGH_UNRESOLVED);
		return;
	}
	uint16_t out = dp.neigh.e[b->neigh].port;
	count(w, cfg, f, b, rte_pktmbuf_pkt_len(p->m));
	switch (mode) {
	case GFWD_MODE_FULLNAT:
		nat_rewrite(p, &dp.snat_addrs[fam(f->family)][f->snat_id], f->snat_port, &b->addr, f->backend_port);
		break;
	case GFWD_MODE_NAT:
		nat_rewrite(p, &f->client, f->client_port, &b->addr, f->backend_port);
		break;
	case GFWD_MODE_DSR:
		break;   /* the backend has the VIP: only the MAC changes */
	case GFWD_MODE_DSR_IPIP: {
		uint16_t overhead = encap_overhead(f->family);
		if (unlikely(pkt_ip_len(p) + overhead > dp.ports[out].mtu)) {
			icmp_too_big(w, in_port, p, dp.ports[out].mtu - overhead);
			return;
		}
		if (unlikely(!ipip_encap(p, &dp.ports[out].a[fam(f->family)].addr, &b->addr))) {
			drop(w, p->m, DROP_NO_MBUF);
			return;
		}
		break;
	}
	}
	eth_set(p->eth, &mac, &dp.ports[out].mac);
	w->cnt.event[EV_FWD_PACKETS]++;
	emit(w, out, p->m);
}

static inline void forward_any(struct worker *w, const struct config *cfg, struct flow *f,
			       const struct backend *b, struct pkt *p, uint16_t in_port)
{
	switch (f->mode) {
	case GFWD_MODE_FULLNAT: forward(w, cfg, f, b, p, in_port, GFWD_MODE_FULLNAT); break;
	case GFWD_MODE_NAT: forward(w, cfg, f, b, p, in_port, GFWD_MODE_NAT); break;
	case GFWD_MODE_DSR: forward(w, cfg, f, b, p, in_port, GFWD_MODE_DSR); break;
	default: forward(w, cfg, f, b, p, in_port, GFWD_MODE_DSR_IPIP); break;
	}
}

/* Backend → client: the answer leaves from the VIP, to the hop the client came from. */
static inline void reverse(struct worker *w, const struct config *cfg, struct flow *f,
			   const struct backend *b, struct pkt *p)
{
	if (unlikely(f->mode == GFWD_MODE_DSR || f->mode == GFWD_MODE_DSR_IPIP)) {
		drop(w, p->m, DROP_NO_FLOW);   /* DSR backends answer clients directly */
		return;
	}
	count(w, cfg, f, b, rte_pktmbuf_pkt_len(p->m));
	nat_rewrite(p, &dp.vips[f->vip_id], f->vport, &f->client, f->client_port);
	eth_set(p->eth, (const struct rte_ether_addr *)f->client_mac, &dp.ports[f->in_port].mac);
	w->cnt.event[EV_REV_PACKETS]++;
	emit(w, f->in_port, p->m);
}

/* ---------------------------------------------------------------- fragments */

/* The first fragment of a datagram, about to follow flow f: the later ones will follow it. */
static inline void first_fragment(struct worker *w, const struct flow *f, enum flow_dir dir, struct pkt *p)
{
	frag_note_first(&w->frags, w->flows, f, dir, p, w->now);
	w->cnt.event[EV_FRAGMENTS]++;
}

/* A fragment after the first: it goes where its first fragment went (frag.h). */
static void later_fragment(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p)
{
	enum flow_dir dir;
	struct flow *f = frag_find(&w->frags, w->flows, p, w->now, &dir);
	if (f == NULL) {
		drop(w, p->m, DROP_FRAGMENT_WITHOUT_FIRST);
		return;
	}
	const struct backend *b = flow_backend(w, cfg, f);
	if (unlikely(b == NULL)) {
		drop(w, p->m, DROP_NO_FLOW);   /* its backend left after the first fragment */
		return;
	}
	f->expires = w->now + flow_timeout(f->state);
	w->cnt.event[EV_FRAGMENTS]++;
	if (dir == DIR_FORWARD)
		forward_any(w, cfg, f, b, p, in_port);
	else
		reverse(w, cfg, f, b, p);
}

/* ---------------------------------------------------------------- a flow's packet */

/* A packet of flow f, found in direction dir: tracked and sent on. false when f's backend
 * has left the config: f is removed, and the packet is the caller's to schedule afresh (a
 * client's) or drop (a reply, which has nowhere to go). */
static __rte_always_inline bool flow_input(struct worker *w, const struct config *cfg, struct flow *f,
					   enum flow_dir dir, struct pkt *p, uint16_t in_port)
{
	const struct backend *b = flow_backend(w, cfg, f);
	if (unlikely(b == NULL)) {
		flow_remove(w->flows, f);
		w->cnt.event[EV_FLOWS_RESCHEDULED]++;
		return false;
	}
	if (p->key.proto == IPPROTO_TCP)   /* before its state moves on */
		passive_tcp(&traffic_of(cfg, w->index, b)->passive, f->state, p->tcp_flags, dir);
	flow_track(f, p, dir, w->now);
	if (unlikely(p->frag == FRAG_FIRST))
		first_fragment(w, f, dir, p);
	if (dir == DIR_FORWARD)
		forward_any(w, cfg, f, b, p, in_port);
	else
		reverse(w, cfg, f, b, p);
	return true;
}

/* The same, when a lookup found f: true when p was handled (sent, or dropped as a reply whose
 * backend left), false when p, a client's, is to be scheduled afresh. */
static __rte_always_inline bool flow_found(struct worker *w, const struct config *cfg, struct flow *f,
					   enum flow_dir dir, struct pkt *p, uint16_t in_port)
{
	if (likely(flow_input(w, cfg, f, dir, p, in_port)))
		return true;
	if (dir == DIR_REVERSE) {
		drop(w, p->m, DROP_NO_FLOW);   /* its backend was removed: nowhere to go */
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- new flows, a burst at a time
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
 * time gives (but for which flow a full table evicts, and which SNAT port a flow gets). */

/* A new flow between its two steps. */
struct opening {
	struct pkt *p;
	const struct service *svc;
	const struct backend *b;   /* NULL: a later packet of a flow opened before it in the burst */
	uint16_t in_port;
	struct flow_hash rev;      /* the reverse key's hash and buckets */
	struct flow t;             /* the flow as it will be stored, what it holds taken */
};

struct openings {
	uint32_t n;
	uint32_t prepared;         /* those with a backend: the insertions before the next one's */
	uint64_t hashes;           /* a bit per (forward hash mod 64) prepared: most packets need no search */
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
	t->client = p->key.src;
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
	o->rev = flow_hash_at(w->flows, flow_reverse_hash(w->flows, &o->t));
	flow_prefetch(w->flows, &o->rev);
	flow_prefetch_free(w->flows, ahead);
	return true;
}

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
		traffic_backend(cfg, w->index, f->backend_idx)->passive.syns++;
	flow_track(f, p, DIR_FORWARD, w->now);
	if (unlikely(p->frag == FRAG_FIRST))
		first_fragment(w, f, DIR_FORWARD, p);
	forward_any(w, cfg, f, o->b, p, o->in_port);
}

static inline void openings_init(struct openings *op)
{
	op->n = op->prepared = 0;   /* the entries are written before they are read */
	op->hashes = 0;
}

static void flow_miss(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
		      struct openings *op);
static void openings_finish(struct worker *w, const struct config *cfg, struct openings *op);

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

/* Whether p's flow is among those being opened. */
static inline bool opening_pending(const struct openings *op, const struct pkt *p)
{
	if (likely(!(op->hashes & 1ull << (p->fh.hash & 63))))
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
	op->hashes |= 1ull << (p->fh.hash & 63);
	op->prepared++;
	op->n++;
}

/* Step two for every flow prepared, in arrival order. */
static void openings_finish(struct worker *w, const struct config *cfg, struct openings *op)
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

/* ---------------------------------------------------------------- a packet of no flow */

/* The flows being opened stored, p looked up again: true when it found one (and was handled). */
static __rte_noinline bool found_after_openings(struct worker *w, const struct config *cfg, uint16_t in_port,
						struct pkt *p, struct openings *op)
{
	openings_finish(w, cfg, op);
	enum flow_dir dir;
	struct flow *f = flow_lookup_at(w->flows, &p->key, &p->fh, w->now, &dir);
	return f != NULL && flow_found(w, cfg, f, dir, p, in_port);
}

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

/* The same, out of line: for opening_follow (ip_input has its own copy inline). */
static __rte_noinline void flow_miss(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
				     struct openings *op)
{
	flow_miss_at(w, cfg, in_port, p, op);
}

/* ---------------------------------------------------------------- dispatch */

static void ip_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
		     struct openings *op)
{
	if (p->key.proto == IPPROTO_ICMP || p->key.proto == IPPROTO_ICMPV6) {
		openings_finish(w, cfg, op);   /* an ICMP error may be about one of them */
		/* Neighbour discovery may come from a VIP: a peer announcing one, which is how a
		 * conflict over it shows. */
		bool nd = nd_message(p);
		if (unlikely(nd ? martian_address(p) && !is_dad_probe(p) : martian_source(cfg, p))) {
			drop(w, p->m, DROP_MARTIAN_SOURCE);   /* never answered, never translated */
			return;
		}
		if (nd && unlikely(kernel_wants_nd(in_port, p)))
			kernel_copy(w, in_port, p->m);
		if (nd)
			nd_input(w, cfg, in_port, p);
		else
			icmp_input(w, cfg, in_port, p, dp_answers_for(cfg, p->key.family, &p->key.dst));
		return;
	}
	if (p->key.family == GFWD_AF_INET6 && p->key.dst.b[0] == 0xff) {
		drop(w, p->m, DROP_NOT_FOR_US);   /* multicast other than neighbour discovery */
		return;
	}
	/* The kernel's own sessions, before the TTL check: eBGP and BFD arrive with TTL 1 or 255. */
	if (unlikely(kernel_wants_l4(in_port, p))) {
		openings_finish(w, cfg, op);
		enum flow_dir d;
		if (flow_lookup_at(w->flows, &p->key, &p->fh, w->now, &d) == NULL) {
			kernel_give(w, in_port, p->m);
			return;
		}
	}
	uint8_t ttl = p->key.family == GFWD_AF_INET ? pkt_ip4(p)->time_to_live : pkt_ip6(p)->hop_limits;
	if (unlikely(ttl <= 1)) {
		drop(w, p->m, DROP_TTL_EXCEEDED);
		return;
	}

	if (unlikely(p->frag == FRAG_LATER)) {
		openings_finish(w, cfg, op);   /* its first fragment may be one of them */
		later_fragment(w, cfg, in_port, p);
		return;
	}
	enum flow_dir dir;
	struct flow *f = flow_lookup_at(w->flows, &p->key, &p->fh, w->now, &dir);
	if (f != NULL && likely(flow_found(w, cfg, f, dir, p, in_port)))
		return;
	flow_miss_at(w, cfg, in_port, p, op);
}


/* Ours, broadcast, or IPv6 multicast (neighbour discovery). */
static inline bool frame_for_us(const struct rte_ether_hdr *eth, const struct port *port)
{
	return rte_is_same_ether_addr(&eth->dst_addr, &port->mac) ||
	       rte_is_broadcast_ether_addr(&eth->dst_addr) ||
	       (eth->dst_addr.addr_bytes[0] == 0x33 && eth->dst_addr.addr_bytes[1] == 0x33);
}

/* Parses as far as the flow key; PARSE_OK or why not. */
static inline enum gfwd_drop parse(struct pkt *p, const struct port *port)
{
	enum gfwd_drop r = parse_l2(p);
	if (r != PARSE_OK)
		return r;
	if (unlikely(p->ether_type == RTE_BE16(GFWD_FLEET_ETHERTYPE)))
		return is_fleet_frame(p, port) ? PARSE_OK : DROP_NOT_FOR_US;   /* for the agent */
	if (unlikely(!frame_for_us(p->eth, port)))
		return DROP_NOT_FOR_US;
	if (p->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		r = parse_ipv4(p);
	else if (p->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		r = parse_ipv6(p);
	else
		return p->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP) ? PARSE_OK : DROP_BAD_ETHERTYPE;
	return r == PARSE_OK ? parse_l4(p) : r;
}

/* ARP and the fleet's frames have no flow key. */
static inline bool is_ip(const struct pkt *p)
{
	return p->ether_type != RTE_BE16(RTE_ETHER_TYPE_ARP) && p->ether_type != RTE_BE16(GFWD_FLEET_ETHERTYPE);
}

/* Four passes over a burst: parse every packet and start loading its flow buckets; find
 * the flows their signatures point at and start loading those; then process the packets,
 * by which time what a lookup reads is (mostly) in cache, preparing the new flows; then
 * store and forward those, by which time what their insertions write is (mostly) in cache. */
void pipeline_burst(struct worker *w, const struct config *cfg, uint16_t in_port,
		    struct rte_mbuf **pkts, uint16_t n)
{
	struct pkt parsed[BURST_SIZE];
	struct openings op;   /* not zeroed whole (3 KB) */
	openings_init(&op);
	const struct port *port = &dp.ports[in_port];
	w->cfg = cfg;   /* for flows ending inside this burst (worker_flow_ended) */
	while (n > 0) {
		uint16_t k = n < BURST_SIZE ? n : BURST_SIZE;
		uint64_t bytes = 0;
		for (uint16_t i = 0; i < k; i++) {
			struct rte_mbuf *m = pkts[i];
			if (likely(i + 1 < k))
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
			bytes += rte_pktmbuf_pkt_len(m);
			struct pkt *p = &parsed[i];
			p->m = m;
			p->data = rte_pktmbuf_mtod(m, uint8_t *);
			p->len = rte_pktmbuf_data_len(m);
			memset(&p->key, 0, sizeof(p->key));   /* hashed whole: padding included */
			p->frag = FRAG_NONE;
			p->frag_hdr = 0;
			enum gfwd_drop r = parse(p, port);
			if (unlikely(r != PARSE_OK)) {
				drop(w, m, r);
				p->m = NULL;
			} else if (likely(is_ip(p))) {
				p->fh = flow_hash_at(w->flows, flow_key_hash(&p->key));
				flow_prefetch(w->flows, &p->fh);
			}
		}
		w->cnt.event[EV_RX_PACKETS] += k;
		w->cnt.event[EV_RX_BYTES] += bytes;
		for (uint16_t i = 0; i < k; i++)
			if (parsed[i].m != NULL && likely(is_ip(&parsed[i])))
				flow_prefetch_match(w->flows, &parsed[i].fh);
		for (uint16_t i = 0; i < k; i++) {
			struct pkt *p = &parsed[i];
			if (p->m == NULL)
				continue;
			if (likely(is_ip(p))) {
				ip_input(w, cfg, in_port, p, &op);
				continue;
			}
			openings_finish(w, cfg, &op);
			if (p->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
				arp_input(w, cfg, in_port, p);
			else
				punt(w, p->m, in_port, GFWD_PUNT_FLEET);
		}
		openings_finish(w, cfg, &op);
		pkts += k;
		n -= k;
	}
}

/* ---------------------------------------------------------------- worker ownership */

unsigned pipeline_owner(const struct config *cfg, uint16_t in_port, struct rte_mbuf *m, unsigned self)
{
	unsigned n = dp.n_workers;
	if (n <= 1)
		return self;
	struct pkt p = { .m = m, .data = rte_pktmbuf_mtod(m, uint8_t *), .len = rte_pktmbuf_data_len(m) };
	if (parse(&p, &dp.ports[in_port]) != PARSE_OK || !is_ip(&p) ||
	    p.key.proto == IPPROTO_ICMP || p.key.proto == IPPROTO_ICMPV6)
		return self;   /* dropped or local: any worker will do */
	if (unlikely(p.frag == FRAG_LATER)) {
		/* No ports: it belongs where its first fragment left a note. */
		for (unsigned i = 0; i < n; i++)
			if (frag_noted(&dp.workers[i]->frags, &p, __atomic_load_n(&dp.workers[i]->now, __ATOMIC_RELAXED)))
				return i;
		return self;
	}
	if (dp_is_port_addr(p.key.family, &p.key.dst, NULL)) {
		/* A full-NAT reply: its port names the worker that chose it. */
		uint16_t port = rte_be_to_cpu_16(p.key.dport);
		uint32_t share = (SNAT_PORT_LAST - SNAT_PORT_FIRST + 1) / n;
		return port < SNAT_PORT_FIRST ? self : RTE_MIN((port - SNAT_PORT_FIRST) / share, n - 1);
	}
	const struct service *svc = config_find_service(cfg, &p.key.dst, p.key.dport, p.key.proto);
	if (svc != NULL && svc->mode != GFWD_MODE_NAT)
		return self;   /* RSS keeps a client's tuple on one queue; replies carry our port */
	/* NAT: both directions carry the client's address and port, so they pick the owner. */
	const struct addr *client = svc != NULL ? &p.key.src : &p.key.dst;
	uint16_t client_port = svc != NULL ? p.key.sport : p.key.dport;
	return rte_hash_crc_4byte(client_port, rte_hash_crc(client->b, 16, 0)) % n;
}
