/* SPDX-License-Identifier: Apache-2.0
 * Rewriting a parsed packet: addresses, ports, TTL / hop limit, with every checksum kept
 * right incrementally (RFC 1624), and SCTP's CRC32c recomputed (it covers no pseudo
 * header but every byte, so there is nothing to update incrementally). */
#ifndef GFWD_NAT_H
#define GFWD_NAT_H

#include "csum.h"
#include "parse.h"

/* The L4 checksum field, or NULL for protocols without a pseudo-header checksum. */
static inline void *l4_csum_field(const struct pkt *p)
{
	uint8_t *l4 = pkt_l4(p);
	switch (p->key.proto) {
	case IPPROTO_TCP: return &((struct rte_tcp_hdr *)l4)->cksum;
	case IPPROTO_UDP: return &((struct rte_udp_hdr *)l4)->dgram_cksum;
	default: return NULL;
	}
}

static inline void sctp_fix_checksum(const struct pkt *p)
{
	struct rte_sctp_hdr *s = (struct rte_sctp_hdr *)pkt_l4(p);
	s->cksum = 0;
	s->cksum = sctp_checksum(s, p->l4_len);
}

/* Full rewrite of the flow tuple as seen on the wire, TTL / hop limit decremented; key is
 * updated to match. Every checksum is updated once, from the summed differences. A
 * fragment also takes its new identification (frag.h); a later fragment has no L4 header,
 * and the first one's L4 checksum covers the whole datagram, which the incremental update
 * keeps right without seeing it (only addresses and ports change). */
static inline void nat_rewrite(struct pkt *p, const struct addr *src, uint16_t sport,
			       const struct addr *dst, uint16_t dport)
{
	bool has_l4 = p->frag != FRAG_LATER;
	uint16_t *ports = (uint16_t *)pkt_l4(p);
	uint64_t ports_delta = 0;
	if (has_l4) {   /* both ports as one 32-bit word, as they sit in the header */
		uint32_t before, after;
		const uint16_t now[2] = { sport, dport };
		memcpy(&before, ports, 4);
		memcpy(&after, now, 4);
		ports_delta = csum_delta32(before, after);
	}
	void *l4c = has_l4 ? l4_csum_field(p) : NULL;
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(p);
		uint64_t addr_delta = csum_delta32(ip->src_addr, src->v4) + csum_delta32(ip->dst_addr, dst->v4);
		uint16_t ttl_before, ttl_after;
		memcpy(&ttl_before, &ip->time_to_live, 2);
		ip->time_to_live--;
		memcpy(&ttl_after, &ip->time_to_live, 2);
		uint64_t id_delta = 0;
		if (unlikely(p->frag != FRAG_NONE)) {
			uint16_t id = rte_cpu_to_be_16((uint16_t)p->frag_new_id);
			id_delta = csum_delta16(ip->packet_id, id);
			ip->packet_id = id;
		}
		csum_apply(&ip->hdr_checksum, addr_delta + csum_delta16(ttl_before, ttl_after) + id_delta);
		ip->src_addr = src->v4;
		ip->dst_addr = dst->v4;
		if (l4c != NULL && !(p->key.proto == IPPROTO_UDP && csum_load(l4c) == 0)) {
			csum_apply(l4c, addr_delta + ports_delta);
			if (p->key.proto == IPPROTO_UDP && csum_load(l4c) == 0)
				csum_store(l4c, 0xffff);   /* 0 would mean "no checksum" */
		}
	} else {
		struct rte_ipv6_hdr *ip = pkt_ip6(p);
		uint64_t addr_delta = csum_delta128(ip->src_addr, src->b) + csum_delta128(ip->dst_addr, dst->b);
		memcpy(ip->src_addr, src->b, 16);
		memcpy(ip->dst_addr, dst->b, 16);
		ip->hop_limits--;
		if (unlikely(p->frag != FRAG_NONE)) {
			uint32_t id = rte_cpu_to_be_32(p->frag_new_id);
			memcpy(p->data + p->frag_hdr + 4, &id, 4);   /* no checksum covers it */
		}
		if (l4c != NULL)
			csum_apply(l4c, addr_delta + ports_delta);
	}
	p->key.src = *src;
	p->key.dst = *dst;
	if (!has_l4)
		return;
	ports[0] = sport;
	ports[1] = dport;
	p->key.sport = sport;
	p->key.dport = dport;
	if (p->key.proto == IPPROTO_SCTP)
		sctp_fix_checksum(p);
}

/* nat_rewrite() of a packet parse_common() took (IPv4 without options, TCP or UDP, no
 * fragment) of an IPv4 flow, for a packet about to be sent: the same bytes on the wire, with
 * the checksum deltas the flow stored (struct flow_v4) instead of sums over the packet's old
 * words (which the flow's key is), and p->key left as received (nothing reads it once the
 * packet is queued). */
static __rte_always_inline void nat_rewrite_v4(struct pkt *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
					       uint16_t ip_delta, uint16_t l4_delta)
{
	struct rte_ipv4_hdr *ip = pkt_ip4(p);
	uint8_t *l4 = pkt_l4(p);
	uint64_t addrs = (uint64_t)src | (uint64_t)dst << 32;   /* as they sit in the header */
	uint32_t ports = (uint32_t)sport | (uint32_t)dport << 16;
	ip->time_to_live--;   /* above 1: parse_common() took it */
	csum_apply16(&ip->hdr_checksum, ip_delta);
	memcpy(&ip->src_addr, &addrs, 8);
	memcpy(l4, &ports, 4);
	if (p->key.proto == IPPROTO_TCP) {
		csum_apply16(&((struct rte_tcp_hdr *)l4)->cksum, l4_delta);
		return;
	}
	void *udp_csum = &((struct rte_udp_hdr *)l4)->dgram_cksum;
	if (csum_load(udp_csum) == 0)
		return;   /* the sender computed none */
	csum_apply16(udp_csum, l4_delta);
	if (csum_load(udp_csum) == 0)
		csum_store(udp_csum, 0xffff);   /* 0 would mean "no checksum" */
}

#endif
