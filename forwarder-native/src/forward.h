/* SPDX-License-Identifier: Apache-2.0
 * A packet of a known flow, sent on: client → backend by forward(mode), backend → client
 * by reverse(); flow_found() tracks the flow's state first (and its passive health counts).
 *
 * forward() is written once and specialised per forwarding mode by a literal argument
 * (VPP style), so no packet pays for a mode it does not use. Everything here is inline: the
 * pipeline (pipeline.c) and the burst's new flows (openings.c) each get their own copy. */
#ifndef GFWD_FORWARD_H
#define GFWD_FORWARD_H

#include <rte_ether.h>
#include "dataplane.h"
#include "encap.h"
#include "frag.h"
#include "icmp.h"
#include "lcore.h"
#include "nat.h"
#include "parse.h"
#include "passive.h"
#include "track.h"

/* Flow f's backend in cfg, or NULL if cfg no longer has it (flow_backend_in). An IPv4 flow
 * whose hint was checked in cfg's store (or set there when the flow was made) skips the
 * check: the entry is the same backend for as long as the store lives, unless its service
 * changed since, which retires it (store.h). */
static __rte_always_inline const struct backend *flow_backend(struct worker *w, const struct config *cfg,
							      struct flow *f)
{
	if (likely(f->family == GFWD_AF_INET && f->v4.store == cfg->st_serial && f->backend_idx < cfg->be_end)) {
		const struct backend *b = &cfg->backends[f->backend_idx];
		if (likely(!b->retired))
			return b;
	}
	const struct backend *b = flow_backend_in(cfg, &f->backend_idx, f->vip_id, &dp.vips[f->vip_id], f->vport,
						  f->proto, flow_backend_addr(w->flows, f), f->backend_port);
	if (b != NULL && f->family == GFWD_AF_INET)
		f->v4.store = cfg->st_serial;
	return b;
}

/* b: the flow's backend in cfg (flow_backend()), whose service is the flow's. */
static inline void count(struct worker *w, const struct config *cfg, const struct flow *f,
			 const struct backend *b, uint32_t bytes)
{
	struct traffic *tb = &w->live[b->counter];   /* traffic_of(), its service's count too (traffic.h) */
	tb->packets++;
	tb->bytes += bytes;
}

static inline void eth_set(struct rte_ether_hdr *eth, const struct rte_ether_addr *dst,
			   const struct rte_ether_addr *src)
{
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
}

/* The same with the destination a neighbour entry's word (neigh_word(), valid): one 8-byte
 * and one 4-byte store, no copy of the MAC through memory first. */
static inline void eth_set_word(struct rte_ether_hdr *eth, uint64_t dst, const struct rte_ether_addr *src)
{
	uint16_t src_lo;
	uint32_t src_hi;
	memcpy(&src_lo, src->addr_bytes, 2);
	memcpy(&src_hi, src->addr_bytes + 2, 4);
	uint64_t first = (dst & 0xffffffffffffull) | (uint64_t)src_lo << 48;
	memcpy(eth, &first, 8);
	memcpy((uint8_t *)eth + 8, &src_hi, 4);
}

/* ---------------------------------------------------------------- forwarding */

/* Client → backend. `mode` is a literal at every call: one specialised copy per mode. */
static __rte_always_inline void forward(struct worker *w, const struct config *cfg, struct flow *f,
					const struct backend *b, struct pkt *p, uint16_t in_port,
					const uint8_t mode)
{
	uint64_t mac = neigh_word(&dp.neigh, b->neigh);
	if (unlikely(!(mac & NEIGH_VALID))) {
		drop(w, p->m, DROP_NEIGH_UNRESOLVED);
		return;
	}
	uint16_t out = dp.neigh.e[b->neigh].port;
	count(w, cfg, f, b, rte_pktmbuf_pkt_len(p->m));
	switch (mode) {
	case GFWD_MODE_FULLNAT:
		if (likely(p->common))
			nat_rewrite_v4(p, dp.snat_addrs[fam(GFWD_AF_INET)][f->snat_id].v4, b->addr.v4, f->snat_port,
				       f->backend_port, f->v4.ip_fwd, f->v4.l4_fwd);
		else
			nat_rewrite(p, &dp.snat_addrs[fam(f->family)][f->snat_id], f->snat_port, &b->addr, f->backend_port);
		break;
	case GFWD_MODE_NAT:
		if (likely(p->common)) {
			nat_rewrite_v4(p, f->v4.client, b->addr.v4, f->client_port, f->backend_port, f->v4.ip_fwd,
				       f->v4.l4_fwd);
		} else {
			struct addr client = flow_client(f);
			nat_rewrite(p, &client, f->client_port, &b->addr, f->backend_port);
		}
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
	eth_set_word(p->eth, mac, &dp.ports[out].mac);
	w->cnt.event[EV_FWD_PACKETS]++;
	emit(w, out, p->m);
}

static __rte_always_inline void forward_any(struct worker *w, const struct config *cfg, struct flow *f,
			       const struct backend *b, struct pkt *p, uint16_t in_port)
{
	if (likely(f->mode == GFWD_MODE_FULLNAT)) {   /* the operator's default: tested first */
		forward(w, cfg, f, b, p, in_port, GFWD_MODE_FULLNAT);
		return;
	}
	switch (f->mode) {
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
	if (likely(p->common)) {
		nat_rewrite_v4(p, dp.vips[f->vip_id].v4, f->v4.client, f->vport, f->client_port, f->v4.ip_rev, f->v4.l4_rev);
	} else {
		struct addr client = flow_client(f);
		nat_rewrite(p, &dp.vips[f->vip_id], f->vport, &client, f->client_port);
	}
	eth_set(p->eth, (const struct rte_ether_addr *)f->client_mac, &dp.ports[f->in_port].mac);
	w->cnt.event[EV_REV_PACKETS]++;
	emit(w, f->in_port, p->m);
}

/* ---------------------------------------------------------------- a flow's packet */

/* The first fragment of a datagram, about to follow flow f: the later ones will follow it. */
static inline void first_fragment(struct worker *w, const struct flow *f, enum flow_dir dir, struct pkt *p)
{
	frag_note_first(&w->frags, w->flows, f, dir, p, w->now);
	w->cnt.event[EV_FRAGMENTS]++;
}

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
	if (unlikely(!flow_track_established(f, p, w->now))) {   /* passive_tcp() counts only in FLOW_TCP_SYN */
		if (p->key.proto == IPPROTO_TCP)   /* before its state moves on */
			passive_tcp(&traffic_of(cfg, w->index, b)->passive, f->state, p->tcp_flags, dir);
		flow_track(f, p, dir, w->now);
	}
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

#endif
