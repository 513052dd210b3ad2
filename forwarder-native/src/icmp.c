/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_ether.h>
#include <rte_ip.h>
#include "csum.h"
#include "dataplane.h"
#include "icmp.h"
#include "passive.h"

#define ICMP4_ECHO_REPLY 0
#define ICMP4_UNREACHABLE 3
#define ICMP4_FRAG_NEEDED 4         /* code of ICMP4_UNREACHABLE */
#define ICMP4_ECHO_REQUEST 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_PARAM_PROBLEM 12
#define ICMP6_UNREACHABLE 1
#define ICMP6_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROBLEM 4
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define IPV6_MIN_MTU 1280

static void echo_reply(struct worker *w, uint16_t in_port, struct pkt *p)
{
	uint8_t *icmp = pkt_l4(p);
	uint8_t reply = p->key.family == GFWD_AF_INET ? ICMP4_ECHO_REPLY : ICMP6_ECHO_REPLY;
	uint16_t before, after;
	memcpy(&before, icmp, 2);
	icmp[0] = reply;
	memcpy(&after, icmp, 2);
	csum_replace2(icmp + 2, before, after);   /* swapping addresses leaves the sum alone */
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(p);
		ip->dst_addr = ip->src_addr;
		ip->src_addr = p->key.dst.v4;
		ip->time_to_live = 64;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *ip = pkt_ip6(p);
		memcpy(ip->dst_addr, ip->src_addr, 16);
		memcpy(ip->src_addr, p->key.dst.b, 16);
		ip->hop_limits = 64;
	}
	rte_ether_addr_copy(&p->eth->src_addr, &p->eth->dst_addr);
	rte_ether_addr_copy(&dp.ports[in_port].mac, &p->eth->src_addr);
	w->cnt.event[EV_ICMP_ECHO_REPLIES]++;
	emit(w, in_port, p->m);
}

/* ---------------------------------------------------------------- errors */

/* The packet quoted in an ICMP error, parsed as far as the ports. */
struct quoted {
	struct pkt p;             /* l3_off / l4_off point into the outer frame */
	bool ports;               /* the first 4 bytes of L4 are there */
};

static bool parse_quoted(const struct pkt *outer, struct quoted *q)
{
	memset(q, 0, sizeof(*q));
	q->p.m = outer->m;
	q->p.data = outer->data;
	q->p.l3_off = (uint16_t)(outer->l4_off + 8);
	/* Quoted packets are cut short: parse against the ICMP message's end, not the
	 * quoted header's own length. */
	uint32_t end = outer->l4_off + outer->l4_len;
	q->p.len = end;
	if (outer->key.family == GFWD_AF_INET) {
		if (end < q->p.l3_off + sizeof(struct rte_ipv4_hdr))
			return false;
		struct rte_ipv4_hdr *ip = pkt_ip4(&q->p);
		unsigned ihl = (ip->version_ihl & 0xf) * 4u;
		if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || q->p.l3_off + ihl > end)
			return false;
		q->p.l4_off = (uint16_t)(q->p.l3_off + ihl);
		q->p.key.family = GFWD_AF_INET;
		q->p.key.proto = ip->next_proto_id;
		q->p.key.src = addr_v4(ip->src_addr);
		q->p.key.dst = addr_v4(ip->dst_addr);
	} else {
		if (end < q->p.l3_off + sizeof(struct rte_ipv6_hdr))
			return false;
		struct rte_ipv6_hdr *ip = pkt_ip6(&q->p);
		q->p.l4_off = (uint16_t)(q->p.l3_off + sizeof(*ip));
		q->p.key.family = GFWD_AF_INET6;
		q->p.key.proto = ip->proto;   /* quoted extension headers are not followed */
		memcpy(q->p.key.src.b, ip->src_addr, 16);
		memcpy(q->p.key.dst.b, ip->dst_addr, 16);
	}
	q->p.l4_len = (uint16_t)(end - q->p.l4_off);
	q->ports = q->p.l4_len >= 4 && (q->p.key.proto == IPPROTO_TCP || q->p.key.proto == IPPROTO_UDP ||
					q->p.key.proto == IPPROTO_SCTP);
	if (q->ports) {
		const uint16_t *ports = (const uint16_t *)pkt_l4(&q->p);
		q->p.key.sport = ports[0];
		q->p.key.dport = ports[1];
	}
	return q->ports;
}

/* Rewrites the quoted packet's tuple; its L4 checksum may be cut off, so only the IPv4
 * header checksum is kept right (receivers check the quote's header, not its payload). */
static void rewrite_quoted(struct quoted *q, const struct addr *src, uint16_t sport,
			   const struct addr *dst, uint16_t dport)
{
	uint16_t *ports = (uint16_t *)pkt_l4(&q->p);
	ports[0] = sport;
	ports[1] = dport;
	if (q->p.key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(&q->p);
		ip->src_addr = src->v4;
		ip->dst_addr = dst->v4;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		memcpy(pkt_ip6(&q->p)->src_addr, src->b, 16);
		memcpy(pkt_ip6(&q->p)->dst_addr, dst->b, 16);
	}
}

static void outer_readdress(struct pkt *p, const struct addr *src, const struct addr *dst)
{
	uint8_t *icmp = pkt_l4(p);
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(p);
		ip->src_addr = src->v4;
		ip->dst_addr = dst->v4;
		ip->time_to_live--;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		memset(icmp + 2, 0, 2);
		uint16_t c = icmp4_checksum(icmp, p->l4_len);
		memcpy(icmp + 2, &c, 2);
	} else {
		struct rte_ipv6_hdr *ip = pkt_ip6(p);
		memcpy(ip->src_addr, src->b, 16);
		memcpy(ip->dst_addr, dst->b, 16);
		ip->hop_limits--;
		memset(icmp + 2, 0, 2);
		uint16_t c = icmp6_checksum(ip, icmp, p->l4_len);
		memcpy(icmp + 2, &c, 2);
	}
}

/* An error about a packet of a tracked flow goes to the side that sent that packet, in
 * that side's own terms: the client hears about its packet to the VIP from the VIP, the
 * backend about its packet as it sent it. */
static void icmp_error(struct worker *w, const struct config *cfg, struct pkt *p)
{
	struct quoted q;
	if (!parse_quoted(p, &q)) {
		drop(w, p->m, DROP_BAD_L4_HEADER);
		return;
	}
	/* The quote travelled one way; its flow slot is the tuple of the other way. */
	struct flow_key k = q.p.key;
	k.src = q.p.key.dst;
	k.dst = q.p.key.src;
	k.sport = q.p.key.dport;
	k.dport = q.p.key.sport;
	enum flow_dir dir;
	struct flow *f = flow_lookup(w->flows, &k, flow_key_hash(&k), w->now, &dir);
	if (f == NULL) {
		drop(w, p->m, DROP_NO_FLOW);
		return;
	}
	const struct addr *vip = &dp.vips[f->vip_id];
	const struct addr *backend = flow_backend_addr(w->flows, f);
	const struct addr client = flow_client(f);
	if (dir == DIR_REVERSE) {
		/* About what we sent the backend: a sign of its health (passive.h), and the client
		 * hears about its packet to the VIP. */
		if (flow_backend_in(cfg, &f->backend_idx, f->vip_id, vip, f->vport, f->proto, backend,
				    f->backend_port) != NULL)
			passive_icmp(&traffic_backend(cfg, w->index, f->backend_idx)->passive, p->key.family,
				     p->icmp_type, p->icmp_code, q.p.key.proto);
		rewrite_quoted(&q, &client, f->client_port, vip, f->vport);
		outer_readdress(p, vip, &client);
		rte_ether_addr_copy((const struct rte_ether_addr *)f->client_mac, &p->eth->dst_addr);
		rte_ether_addr_copy(&dp.ports[f->in_port].mac, &p->eth->src_addr);
		w->cnt.event[EV_ICMP_ERRORS_TRANSLATED]++;
		emit(w, f->in_port, p->m);
		return;
	}
	/* About what we sent the client: tell the backend about the packet it sent. */
	const struct backend *b = flow_backend_in(cfg, &f->backend_idx, f->vip_id, vip, f->vport, f->proto,
						  backend, f->backend_port);
	struct rte_ether_addr mac;
	if (b == NULL || !neigh_mac(&dp.neigh, b->neigh, &mac)) {
		drop(w, p->m, b == NULL ? DROP_NO_FLOW : DROP_NEIGH_UNRESOLVED);
		return;
	}
	bool snat = f->snat_port != 0;
	const struct addr *us = snat ? &dp.snat_addrs[fam(f->family)][f->snat_id] : &client;
	rewrite_quoted(&q, backend, f->backend_port, us, snat ? f->snat_port : f->client_port);
	outer_readdress(p, snat ? us : &p->key.src, backend);
	uint16_t out = dp.neigh.e[b->neigh].port;
	rte_ether_addr_copy(&mac, &p->eth->dst_addr);
	rte_ether_addr_copy(&dp.ports[out].mac, &p->eth->src_addr);
	w->cnt.event[EV_ICMP_ERRORS_TRANSLATED]++;
	emit(w, out, p->m);
}

/* ---------------------------------------------------------------- dispatch */

void icmp_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p, bool local)
{
	uint8_t t = p->icmp_type;
	bool echo = t == (p->key.family == GFWD_AF_INET ? ICMP4_ECHO_REQUEST : ICMP6_ECHO_REQUEST);
	if (unlikely(echo && !local && p->icmp_code == 0)) {
		drop(w, p->m, DROP_NOT_FOR_US);   /* a VIP a peer owns, or no address of ours */
		return;
	}
	if (p->key.family == GFWD_AF_INET) {
		if (t == ICMP4_ECHO_REQUEST && p->icmp_code == 0 && local)
			echo_reply(w, in_port, p);
		else if (t == ICMP4_UNREACHABLE || t == ICMP4_TIME_EXCEEDED || t == ICMP4_PARAM_PROBLEM)
			icmp_error(w, cfg, p);
		else
			drop(w, p->m, DROP_UNSUPPORTED_ICMP);
		return;
	}
	if (t == ICMP6_ECHO_REQUEST && p->icmp_code == 0 && local)
		echo_reply(w, in_port, p);
	else if (t == ICMP6_UNREACHABLE || t == ICMP6_TOO_BIG || t == ICMP6_TIME_EXCEEDED || t == ICMP6_PARAM_PROBLEM)
		icmp_error(w, cfg, p);
	else
		drop(w, p->m, DROP_UNSUPPORTED_ICMP);
}

/* ---------------------------------------------------------------- too big */

void icmp_too_big(struct worker *w, uint16_t in_port, struct pkt *p, uint32_t mtu)
{
	bool v4 = p->key.family == GFWD_AF_INET;
	if (v4 && !(pkt_ip4(p)->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG))) {
		drop(w, p->m, DROP_ENCAP_TOO_BIG);   /* may be fragmented, but we do not */
		return;
	}
	uint32_t ip_hlen = v4 ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
	/* IPv4 quotes the header and 8 bytes; IPv6 as much as fits the minimum MTU. */
	uint32_t quote = RTE_MIN(pkt_ip_len(p), v4 ? (uint32_t)(p->l4_off - p->l3_off) + 8
						  : IPV6_MIN_MTU - ip_hlen - 8);
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL) {
		drop(w, p->m, DROP_NO_MBUF);
		return;
	}
	uint32_t icmp_len = 8 + quote;
	uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(sizeof(struct rte_ether_hdr) + ip_hlen + icmp_len));
	if (unlikely(f == NULL)) {   /* a data room smaller than the error: the packet is dropped unanswered */
		rte_pktmbuf_free(m);
		drop(w, p->m, DROP_NO_MBUF);
		return;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	rte_ether_addr_copy(&p->eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&dp.ports[in_port].mac, &eth->src_addr);
	eth->ether_type = p->ether_type;   /* untagged, whatever the client sent */
	uint8_t *icmp = f + sizeof(*eth) + ip_hlen;
	memset(icmp, 0, 8);
	memcpy(icmp + 8, p->data + p->l3_off, quote);
	if (v4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(ip_hlen + icmp_len));
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_ICMP;
		ip->src_addr = p->key.dst.v4;
		ip->dst_addr = p->key.src.v4;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		icmp[0] = ICMP4_UNREACHABLE;
		icmp[1] = ICMP4_FRAG_NEEDED;
		uint16_t next_mtu = rte_cpu_to_be_16((uint16_t)mtu);
		memcpy(icmp + 6, &next_mtu, 2);
		uint16_t c = icmp4_checksum(icmp, icmp_len);
		memcpy(icmp + 2, &c, 2);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = RTE_BE32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)icmp_len);
		ip->proto = IPPROTO_ICMPV6;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, p->key.dst.b, 16);
		memcpy(ip->dst_addr, p->key.src.b, 16);
		icmp[0] = ICMP6_TOO_BIG;
		uint32_t be_mtu = rte_cpu_to_be_32(mtu);
		memcpy(icmp + 4, &be_mtu, 4);
		uint16_t c = icmp6_checksum(ip, icmp, icmp_len);
		memcpy(icmp + 2, &c, 2);
	}
	w->cnt.event[EV_ICMP_TOO_BIG_SENT]++;   /* answered, so not counted as a silent drop */
	rte_pktmbuf_free(p->m);
	emit(w, in_port, m);
}
