/* SPDX-License-Identifier: Apache-2.0
 * The per-packet path, as a pipeline:
 *
 *   parse L2 ─ ARP ─────────────────────────────────────────────▶ arp.c (a copy: kernel.h)
 *            ├ the fleet's advertisements ──────────────────────▶ punt.h (to the agent)
 *            └ IPv4 / IPv6 ─ parse L4 ─ NDP ─────────────────────▶ ndp.c (a copy: kernel.h)
 *                                     ├ BGP, BFD to the port ────▶ kernel.h (its kernel interface)
 *                                     ├ ICMP / ICMPv6 ───────────▶ icmp.c
 *                                     └ flow lookup ─ hit ─ forward(mode) / reverse(mode)   forward.h
 *                                                   └ miss ─ service ─ prepare ┄┄ store ─ forward(mode)
 *                                                          └ a NAT backend's reply ─ reverse  reply.c
 *
 * A new flow is prepared (scheduled, its SNAT port taken, its reverse buckets loading) when
 * its packet comes and stored once the burst's other packets are through (openings.h). This
 * file is the dispatch: which of those a packet takes, and the burst's passes. */
#include <rte_ether.h>
#include <rte_ip.h>
#include "arp.h"
#include "dataplane.h"
#include "forward.h"
#include "frag.h"
#include "icmp.h"
#include "kernel.h"
#include "martian.h"
#include "ndp.h"
#include "openings.h"
#include "parse.h"
#include "parse_common.h"
#include "pipeline.h"
#include "punt.h"
#include "track.h"

/* ---------------------------------------------------------------- fragments */

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

/* ---------------------------------------------------------------- dispatch */

/* inserts: the table's insertion count when pass two matched p's signatures (p->fh_hint).
 * While it stands, a packet none of whose signatures matched would miss, so it is not looked
 * up (a new flow's first packet), and one whose did takes the slot found first
 * (flow_lookup_hinted); once anything was inserted since (here too: the openings finished
 * before the kernel's test), it is looked up afresh. kernel: whether in_port has the kernel's
 * sessions (kernel_attached), asked once a burst. */
static __rte_always_inline void ip_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
		     struct openings *op, uint32_t inserts, bool kernel)
{
	/* A common frame (parse_common) is TCP or UDP over IPv4, no fragment, TTL above 1: none of
	 * the tests below but the kernel's can be true of it. */
	if (!p->common && (p->key.proto == IPPROTO_ICMP || p->key.proto == IPPROTO_ICMPV6)) {
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
	if (!p->common && p->key.family == GFWD_AF_INET6 && p->key.dst.b[0] == 0xff) {
		drop(w, p->m, DROP_NOT_FOR_US);   /* multicast other than neighbour discovery */
		return;
	}
	/* The kernel's own sessions, before the TTL check: eBGP and BFD arrive with TTL 1 or 255. */
	if (unlikely(kernel && kernel_wants_l4(in_port, p))) {
		openings_finish(w, cfg, op);
		enum flow_dir d;
		if (flow_lookup_at(w->flows, &p->key, &p->fh, w->now, &d) == NULL) {
			kernel_give(w, in_port, p->m);
			return;
		}
	}
	if (!p->common) {
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
	}
	enum flow_dir dir;
	bool inserted = w->flows->inserts != inserts;
	struct flow *f = p->fh_hint != 0 || inserted
				 ? flow_lookup_hinted(w->flows, &p->key, &p->fh, inserted ? 0 : p->fh_hint, w->now, &dir)
				 : NULL;
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

/* Four passes over a burst: parse every packet (the common frame in one go, parse_common.h)
 * and start loading its flow buckets; find the flows their signatures point at and start
 * loading those, noting the slot a lookup would try first (a packet whose signature is in
 * neither bucket, a new flow's first, is not looked up again unless a flow was inserted
 * since; one whose is takes that slot's flow if it matches: flow_lookup_hinted); then process
 * the packets,
 * by which time what a lookup reads is (mostly) in cache, preparing the new flows; then
 * store and forward those, by which time what their insertions write is (mostly) in cache. */
void pipeline_burst(struct worker *w, const struct config *cfg, uint16_t in_port,
		    struct rte_mbuf **pkts, uint16_t n)
{
	struct pkt parsed[BURST_SIZE];
	struct openings op;   /* not zeroed whole (3 KB) */
	openings_init(&op);
	const struct port *port = &dp.ports[in_port];
	bool kernel = kernel_attached(in_port);   /* whether it has BGP and BFD sessions */
	w->cfg = cfg;   /* for flows ending inside this burst (worker_flow_ended) */
	w->live = cfg->live[w->index];
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
			uint32_t hash;
			if (likely(parse_common(p, &port->mac, &hash))) {
				p->fh = flow_hash_at(w->flows, hash);
				flow_prefetch(w->flows, &p->fh);
				continue;
			}
			memset(&p->key, 0, sizeof(p->key));   /* hashed whole: padding included */
			p->common = false;
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
		for (uint16_t i = 0; i < k; i++)   /* a common frame is IP, and kept: one test */
			if (likely(parsed[i].common) || (parsed[i].m != NULL && is_ip(&parsed[i])))
				parsed[i].fh_hint = flow_prefetch_match(w->flows, &parsed[i].fh);
		uint32_t inserts = w->flows->inserts;
		for (uint16_t i = 0; i < k; i++) {
			struct pkt *p = &parsed[i];
			if (likely(p->common) || (p->m != NULL && is_ip(p))) {
				ip_input(w, cfg, in_port, p, &op, inserts, kernel);
				continue;
			}
			if (p->m == NULL)
				continue;   /* dropped by parse() */
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
