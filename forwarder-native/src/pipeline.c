/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include "csum.h"
#include "dataplane.h"
#include "pipeline.h"

/* A packet once parsed: where its headers are and its own flow key. */
struct pkt {
	struct rte_mbuf *m;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip4;
	uint8_t *l4;
	uint16_t l4_len;
	uint8_t tcp_flags;
	struct flow_key key;
};

static inline void drop(struct worker *w, struct rte_mbuf *m, enum gfwd_drop why)
{
	w->cnt.drop[why]++;
	rte_pktmbuf_free(m);
}

static inline void emit(struct worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct tx_queue *q = &w->tx[port];
	if (unlikely(q->n == TXQ_CAP)) {
		drop(w, m, DROP_TX_FULL);
		return;
	}
	q->m[q->n++] = m;
}

/* ---------------------------------------------------------------- timeouts */

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

/* TCP: SYN → established once the client acknowledges; FIN or RST from either side → closing. */
static inline void flow_track(struct flow *f, const struct pkt *p, enum flow_dir dir, uint32_t now)
{
	if (f->proto == IPPROTO_TCP) {
		uint8_t fl = p->tcp_flags;
		if (fl & (RTE_TCP_FIN_FLAG | RTE_TCP_RST_FLAG))
			f->state = FLOW_TCP_CLOSING;
		else if (f->state == FLOW_TCP_SYN && dir == DIR_FORWARD &&
			 (fl & (RTE_TCP_ACK_FLAG | RTE_TCP_SYN_FLAG)) == RTE_TCP_ACK_FLAG)
			f->state = FLOW_TCP_ESTABLISHED;
	}
	f->expires = now + flow_timeout(f->state);
}

/* ---------------------------------------------------------------- rewriting */

/* Rewrites addresses and ports of an IPv4 TCP/UDP packet, fixing both checksums
 * incrementally, and decrements the TTL. */
static inline void nat_v4(struct pkt *p, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	struct rte_ipv4_hdr *ip = p->ip4;
	uint32_t old_src = ip->src_addr, old_dst = ip->dst_addr;

	if (p->key.proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)p->l4;
		csum_replace4(&t->cksum, old_src, src);
		csum_replace4(&t->cksum, old_dst, dst);
		csum_replace2(&t->cksum, t->src_port, sport);
		csum_replace2(&t->cksum, t->dst_port, dport);
		t->src_port = sport;
		t->dst_port = dport;
	} else {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)p->l4;
		udp_csum_replace4(&u->dgram_cksum, old_src, src);
		udp_csum_replace4(&u->dgram_cksum, old_dst, dst);
		udp_csum_replace2(&u->dgram_cksum, u->src_port, sport);
		udp_csum_replace2(&u->dgram_cksum, u->dst_port, dport);
		u->src_port = sport;
		u->dst_port = dport;
	}

	uint16_t old_ttl_word, new_ttl_word;
	memcpy(&old_ttl_word, &ip->time_to_live, 2);
	ip->time_to_live--;
	memcpy(&new_ttl_word, &ip->time_to_live, 2);
	csum_replace2(&ip->hdr_checksum, old_ttl_word, new_ttl_word);
	csum_replace4(&ip->hdr_checksum, old_src, src);
	csum_replace4(&ip->hdr_checksum, old_dst, dst);
	ip->src_addr = src;
	ip->dst_addr = dst;
}

static inline void eth_set(struct rte_ether_hdr *eth, const struct rte_ether_addr *dst,
			   const struct rte_ether_addr *src)
{
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(src, &eth->src_addr);
}

/* ---------------------------------------------------------------- flows */

static uint16_t snat_port_alloc(struct worker *w, const struct flow *t)
{
	struct flow_key k = {
		.src = t->backend, .sport = t->backend_port,
		.dst = dp.snat_addrs[t->snat_id], .proto = t->proto, .family = t->family,
	};
	for (int i = 0; i < SNAT_PORT_TRIES; i++) {
		uint16_t port = w->snat_next;
		w->snat_next = port == w->snat_last ? w->snat_first : port + 1;
		k.dport = rte_cpu_to_be_16(port);
		enum flow_dir dir;
		if (flow_lookup(w->flows, &k, flow_key_hash(&k), w->now, &dir) == NULL)
			return k.dport;
	}
	return 0;
}

static inline const struct backend *flow_backend(const struct config *cfg, struct flow *f)
{
	return flow_backend_in(cfg, &f->svc, &f->backend_idx, f->vip_id, &dp.vips[f->vip_id], f->vport,
			       f->proto, &f->backend, f->backend_port);
}

static inline void count(struct worker *w, const struct config *cfg, uint32_t svc, uint32_t backend,
			 uint32_t bytes)
{
	struct traffic *ts = traffic_service(cfg, w->index, svc);
	struct traffic *tb = traffic_backend(cfg, w->index, backend);
	ts->packets++;
	ts->bytes += bytes;
	tb->packets++;
	tb->bytes += bytes;
}

/* Schedules a new connection with the service's Maglev table and records it. */
static struct flow *flow_open(struct worker *w, const struct config *cfg, const struct service *svc,
			      const struct pkt *p, uint32_t hash, uint16_t in_port, enum gfwd_drop *why)
{
	if (unlikely(svc->n_backends == 0)) {
		*why = DROP_NO_BACKEND;
		return NULL;
	}
	uint32_t bi = svc->first_backend + svc->maglev[hash % svc->maglev_size];
	const struct backend *b = &cfg->backends[bi];
	struct flow t = {
		.client = p->key.src, .client_port = p->key.sport,
		.backend = b->addr, .backend_port = b->port,
		.vport = p->key.dport, .vip_id = svc->vip_id,
		.svc = (uint16_t)(svc - cfg->services), .backend_idx = bi,
		.snat_id = (uint8_t)dp.neigh.e[b->neigh].port,
		.proto = p->key.proto, .family = p->key.family,
		.state = p->key.proto == IPPROTO_TCP ? FLOW_TCP_SYN : FLOW_UDP,
		.in_port = (uint8_t)in_port, .mode = svc->mode,
	};
	memcpy(t.client_mac, p->eth->src_addr.addr_bytes, RTE_ETHER_ADDR_LEN);
	t.snat_port = snat_port_alloc(w, &t);
	if (unlikely(t.snat_port == 0)) {
		*why = DROP_SNAT_EXHAUSTED;
		return NULL;
	}
	struct flow *f = flow_insert(w->flows, &t, w->now);
	if (unlikely(f == NULL)) {
		*why = DROP_NO_MBUF;
		return NULL;
	}
	w->cnt.event[EV_NEW_FLOWS]++;
	struct traffic *ts = traffic_service(cfg, w->index, t.svc);
	struct traffic *tb = traffic_backend(cfg, w->index, bi);
	ts->new_flows++;
	ts->active++;
	tb->new_flows++;
	tb->active++;
	return f;
}

static inline void to_backend(struct worker *w, const struct config *cfg, struct flow *f,
			      const struct backend *b, struct pkt *p)
{
	struct rte_ether_addr mac;
	if (unlikely(!neigh_mac(&dp.neigh, b->neigh, &mac))) {
		drop(w, p->m, DROP_NEIGH_UNRESOLVED);
		return;
	}
	uint16_t out_port = dp.neigh.e[b->neigh].port;
	count(w, cfg, f->svc, f->backend_idx, rte_pktmbuf_pkt_len(p->m));
	nat_v4(p, dp.snat_addrs[f->snat_id].v4, f->snat_port, f->backend.v4, f->backend_port);
	eth_set(p->eth, &mac, &dp.ports[out_port].mac);
	w->cnt.event[EV_FWD_PACKETS]++;
	emit(w, out_port, p->m);
}

static inline void to_client(struct worker *w, const struct config *cfg, struct flow *f, struct pkt *p)
{
	const struct port *out = &dp.ports[f->in_port];
	count(w, cfg, f->svc, f->backend_idx, rte_pktmbuf_pkt_len(p->m));
	nat_v4(p, dp.vips[f->vip_id].v4, f->vport, f->client.v4, f->client_port);
	eth_set(p->eth, (const struct rte_ether_addr *)f->client_mac, &out->mac);
	w->cnt.event[EV_REV_PACKETS]++;
	emit(w, f->in_port, p->m);
}

/* ---------------------------------------------------------------- local traffic */

static void arp_input(struct worker *w, const struct config *cfg, uint16_t in_port,
		      struct rte_mbuf *m, struct rte_ether_hdr *eth, struct rte_arp_hdr *a)
{
	const struct port *port = &dp.ports[in_port];
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4) {
		drop(w, m, DROP_BAD_ARP);
		return;
	}
	struct rte_arp_ipv4 *d = &a->arp_data;
	struct addr sender = addr_v4(d->arp_sip), target = addr_v4(d->arp_tip);
	neigh_learn(&dp.neigh, &sender, &d->arp_sha, w->now_tsc);

	bool ours = (port->family == GFWD_AF_INET && addr_eq(&target, &port->addr)) ||
		    config_has_vip(cfg, &target);
	if (a->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) || !ours) {
		/* Replies were learnt from above; requests for others are not ours to answer. */
		if (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY))
			rte_pktmbuf_free(m);
		else
			drop(w, m, DROP_NOT_FOR_US);
		return;
	}
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&d->arp_sha, &d->arp_tha);
	rte_ether_addr_copy(&port->mac, &d->arp_sha);
	d->arp_tip = d->arp_sip;
	d->arp_sip = target.v4;
	eth_set(eth, &d->arp_tha, &port->mac);
	w->cnt.event[EV_ARP_REPLIES]++;
	emit(w, in_port, m);
}

static void icmp_echo_reply(struct worker *w, uint16_t in_port, struct pkt *p)
{
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)p->l4;
	struct rte_ipv4_hdr *ip = p->ip4;
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	csum_replace2(&icmp->icmp_cksum, RTE_BE16(RTE_IP_ICMP_ECHO_REQUEST << 8),
		      RTE_BE16(RTE_IP_ICMP_ECHO_REPLY << 8));
	uint32_t src = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = src;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	eth_set(p->eth, &p->eth->src_addr, &dp.ports[in_port].mac);
	w->cnt.event[EV_ICMP_ECHO_REPLIES]++;
	emit(w, in_port, p->m);
}

/* ---------------------------------------------------------------- parsing */

/* Fills p->l4, l4_len, key ports and TCP flags; returns a drop reason or DROP_MAX. */
static inline enum gfwd_drop parse_l4(struct pkt *p)
{
	switch (p->key.proto) {
	case IPPROTO_TCP: {
		if (p->l4_len < sizeof(struct rte_tcp_hdr))
			return DROP_BAD_L4_HEADER;
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)p->l4;
		unsigned hl = (t->data_off >> 4) * 4u;
		if (hl < sizeof(*t) || hl > p->l4_len)
			return DROP_BAD_L4_HEADER;
		p->key.sport = t->src_port;
		p->key.dport = t->dst_port;
		p->tcp_flags = t->tcp_flags;
		return DROP_MAX;
	}
	case IPPROTO_UDP: {
		if (p->l4_len < sizeof(struct rte_udp_hdr))
			return DROP_BAD_L4_HEADER;
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)p->l4;
		uint16_t ul = rte_be_to_cpu_16(u->dgram_len);
		if (ul < sizeof(*u) || ul > p->l4_len)
			return DROP_BAD_L4_HEADER;
		p->key.sport = u->src_port;
		p->key.dport = u->dst_port;
		return DROP_MAX;
	}
	case IPPROTO_ICMP:
		if (p->l4_len < sizeof(struct rte_icmp_hdr))
			return DROP_BAD_L4_HEADER;
		return DROP_MAX;
	default:
		return DROP_UNSUPPORTED_PROTO;
	}
}

static void ipv4_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p,
		       uint8_t *l3, uint32_t l3_avail)
{
	if (unlikely(l3_avail < sizeof(struct rte_ipv4_hdr))) {
		drop(w, p->m, DROP_TOO_SHORT);
		return;
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		drop(w, p->m, DROP_BAD_IP_VERSION);
		return;
	}
	unsigned ihl = (ip->version_ihl & 0xf) * 4u;
	unsigned total = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(ihl < sizeof(*ip) || total < ihl || total > l3_avail)) {
		drop(w, p->m, DROP_BAD_IP_HEADER);
		return;
	}
	/* Summed with its own checksum field, a valid header folds to 0xffff. Skipped when
	 * the NIC already checked it. */
	if (unlikely((p->m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
		     rte_raw_cksum(ip, ihl) != 0xffff)) {
		drop(w, p->m, DROP_BAD_IP_CHECKSUM);
		return;
	}
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		drop(w, p->m, DROP_IP_FRAGMENT);
		return;
	}
	p->ip4 = ip;
	p->l4 = l3 + ihl;
	p->l4_len = (uint16_t)(total - ihl);
	p->key.src = addr_v4(ip->src_addr);
	p->key.dst = addr_v4(ip->dst_addr);
	p->key.proto = ip->next_proto_id;
	p->key.family = GFWD_AF_INET;
	enum gfwd_drop bad = parse_l4(p);
	if (unlikely(bad != DROP_MAX)) {
		drop(w, p->m, bad);
		return;
	}

	const struct port *port = &dp.ports[in_port];
	bool to_port = addr_eq(&p->key.dst, &port->addr);
	if (p->key.proto == IPPROTO_ICMP) {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)p->l4;
		if (icmp->icmp_type == RTE_IP_ICMP_ECHO_REQUEST && icmp->icmp_code == 0 &&
		    (to_port || config_has_vip(cfg, &p->key.dst)))
			icmp_echo_reply(w, in_port, p);
		else
			drop(w, p->m, DROP_UNSUPPORTED_PROTO);
		return;
	}
	if (unlikely(ip->time_to_live <= 1)) {
		drop(w, p->m, DROP_TTL_EXCEEDED);
		return;
	}

	uint32_t hash = flow_key_hash(&p->key);
	enum flow_dir dir;
	struct flow *f = flow_lookup(w->flows, &p->key, hash, w->now, &dir);
	if (f != NULL) {
		const struct backend *b = flow_backend(cfg, f);
		if (likely(b != NULL)) {
			flow_track(f, p, dir, w->now);
			if (dir == DIR_FORWARD)
				to_backend(w, cfg, f, b, p);
			else
				to_client(w, cfg, f, p);
			return;
		}
		/* Its backend was removed: a forward packet is scheduled afresh, a reply has
		 * nowhere to go. */
		flow_remove(w->flows, f);
		w->cnt.event[EV_FLOWS_RESCHEDULED]++;
		if (dir == DIR_REVERSE) {
			drop(w, p->m, DROP_NO_FLOW);
			return;
		}
	}

	const struct service *svc = config_find_service(cfg, &p->key.dst, p->key.dport, p->key.proto);
	if (svc == NULL) {
		drop(w, p->m, to_port ? DROP_NO_FLOW : DROP_NO_SERVICE);
		return;
	}
	enum gfwd_drop why;
	f = flow_open(w, cfg, svc, p, hash, in_port, &why);
	if (f == NULL) {
		drop(w, p->m, why);
		return;
	}
	flow_track(f, p, DIR_FORWARD, w->now);
	to_backend(w, cfg, f, &cfg->backends[f->backend_idx], p);
}

static void packet_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct rte_mbuf *m)
{
	uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct port *port = &dp.ports[in_port];
	struct pkt p = { .m = m };

	if (unlikely(len < sizeof(struct rte_ether_hdr))) {
		drop(w, m, DROP_TOO_SHORT);
		return;
	}
	p.eth = (struct rte_ether_hdr *)data;
	if (unlikely(!rte_is_same_ether_addr(&p.eth->dst_addr, &port->mac) &&
		     !rte_is_broadcast_ether_addr(&p.eth->dst_addr))) {
		drop(w, m, DROP_NOT_FOR_US);
		return;
	}
	uint32_t off = sizeof(struct rte_ether_hdr);
	uint16_t type = p.eth->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(len < off + sizeof(struct rte_vlan_hdr))) {
			drop(w, m, DROP_TOO_SHORT);
			return;
		}
		type = ((struct rte_vlan_hdr *)(data + off))->eth_proto;
		off += sizeof(struct rte_vlan_hdr);
	}

	switch (type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		ipv4_input(w, cfg, in_port, &p, data + off, len - off);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		if (unlikely(len < off + sizeof(struct rte_arp_hdr))) {
			drop(w, m, DROP_TOO_SHORT);
			return;
		}
		arp_input(w, cfg, in_port, m, p.eth, (struct rte_arp_hdr *)(data + off));
		break;
	default:
		drop(w, m, DROP_BAD_ETHERTYPE);
	}
}

void pipeline_burst(struct worker *w, const struct config *cfg, uint16_t in_port,
		    struct rte_mbuf **pkts, uint16_t n)
{
	w->cfg = cfg;   /* for flows ending inside this burst (worker_flow_ended) */
	for (uint16_t i = 0; i < n; i++) {
		if (likely(i + 1 < n))
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		w->cnt.event[EV_RX_PACKETS]++;
		w->cnt.event[EV_RX_BYTES] += rte_pktmbuf_pkt_len(pkts[i]);
		packet_input(w, cfg, in_port, pkts[i]);
	}
}
