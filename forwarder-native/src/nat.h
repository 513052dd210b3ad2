/* SPDX-License-Identifier: Apache-2.0
 * Rewriting a parsed packet: addresses, ports, TTL / hop limit, with every checksum kept
 * right incrementally (RFC 1624), and SCTP's CRC32c recomputed (it covers no pseudo
 * header but every byte, so there is nothing to update incrementally). */
#ifndef GFWD_NAT_H
#define GFWD_NAT_H

#include <rte_hash_crc.h>
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

/* One address of the pseudo header changed from `old` to `new_`. */
static inline void l4_csum_addr(const struct pkt *p, const struct addr *old, const struct addr *new_)
{
	void *c = l4_csum_field(p);
	if (c == NULL)
		return;
	if (p->key.family == GFWD_AF_INET) {
		if (p->key.proto == IPPROTO_UDP)
			udp_csum_replace4(c, old->v4, new_->v4);
		else
			csum_replace4(c, old->v4, new_->v4);
	} else {
		csum_replace16(c, old->b, new_->b);   /* IPv6 UDP always has a checksum */
	}
}

static inline void l4_csum_port(const struct pkt *p, uint16_t old, uint16_t new_)
{
	void *c = l4_csum_field(p);
	if (c == NULL)
		return;
	if (p->key.family == GFWD_AF_INET && p->key.proto == IPPROTO_UDP)
		udp_csum_replace2(c, old, new_);
	else
		csum_replace2(c, old, new_);
}

/* SCTP: CRC32c over the whole packet with the checksum field zero, sent as the
 * complement in little-endian order (RFC 4960, appendix B). */
static inline void sctp_fix_checksum(const struct pkt *p)
{
	struct rte_sctp_hdr *s = (struct rte_sctp_hdr *)pkt_l4(p);
	s->cksum = 0;
	uint32_t crc = ~rte_hash_crc(s, p->l4_len, 0xffffffff);
	s->cksum = rte_cpu_to_le_32(crc);
}

/* The L4 ports; they sit first in TCP, UDP and SCTP alike. */
static inline void l4_set_ports(const struct pkt *p, uint16_t sport, uint16_t dport)
{
	uint16_t *ports = (uint16_t *)pkt_l4(p);
	l4_csum_port(p, ports[0], sport);
	l4_csum_port(p, ports[1], dport);
	ports[0] = sport;
	ports[1] = dport;
}

static inline void ip_set_src(struct pkt *p, const struct addr *src)
{
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(p);
		csum_replace4(&ip->hdr_checksum, ip->src_addr, src->v4);
		ip->src_addr = src->v4;
	} else {
		memcpy(pkt_ip6(p)->src_addr, src->b, 16);
	}
}

static inline void ip_set_dst(struct pkt *p, const struct addr *dst)
{
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(p);
		csum_replace4(&ip->hdr_checksum, ip->dst_addr, dst->v4);
		ip->dst_addr = dst->v4;
	} else {
		memcpy(pkt_ip6(p)->dst_addr, dst->b, 16);
	}
}

static inline void ip_dec_ttl(struct pkt *p)
{
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *ip = pkt_ip4(p);
		uint16_t before, after;
		memcpy(&before, &ip->time_to_live, 2);
		ip->time_to_live--;
		memcpy(&after, &ip->time_to_live, 2);
		csum_replace2(&ip->hdr_checksum, before, after);
	} else {
		pkt_ip6(p)->hop_limits--;
	}
}

/* Full rewrite of the flow tuple as seen on the wire; key is updated to match. */
static inline void nat_rewrite(struct pkt *p, const struct addr *src, uint16_t sport,
			       const struct addr *dst, uint16_t dport)
{
	if (!addr_eq(&p->key.src, src)) {
		l4_csum_addr(p, &p->key.src, src);
		ip_set_src(p, src);
		p->key.src = *src;
	}
	if (!addr_eq(&p->key.dst, dst)) {
		l4_csum_addr(p, &p->key.dst, dst);
		ip_set_dst(p, dst);
		p->key.dst = *dst;
	}
	if (p->key.sport != sport || p->key.dport != dport) {
		l4_set_ports(p, sport, dport);
		p->key.sport = sport;
		p->key.dport = dport;
	}
	if (p->key.proto == IPPROTO_SCTP)
		sctp_fix_checksum(p);
	ip_dec_ttl(p);
}

#endif
