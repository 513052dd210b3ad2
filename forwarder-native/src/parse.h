/* SPDX-License-Identifier: Apache-2.0
 * Packet parsing: small inline steps that bounds-check before every header and record
 * where each header is. A step returns PARSE_OK or the drop reason. Nothing here writes
 * the packet. */
#ifndef GFWD_PARSE_H
#define GFWD_PARSE_H

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_sctp.h>
#include <rte_tcp.h>
#include <rte_udp.h>
#include "counters.h"
#include "csum.h"
#include "flow.h"

#define PARSE_OK DROP_MAX
#define MAX_IPV6_EXT_HEADERS 8

/* Which part of a datagram a packet is: all of it, its first fragment (which carries the
 * L4 header) or a later one (payload only). */
enum frag_kind { FRAG_NONE = 0, FRAG_FIRST, FRAG_LATER };

/* Filled by the parse steps; the caller sets m, data, len and zeroes key and frag. */
struct pkt {
	struct rte_mbuf *m;
	uint8_t *data;            /* frame start */
	uint32_t len;             /* bytes in the first segment */
	struct rte_ether_hdr *eth;
	uint16_t ether_type;      /* network order, after any 802.1Q tag */
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t l4_len;          /* per the IP header's length */
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t icmp_code;
	struct flow_key key;      /* family, proto, addresses and ports (ICMP, later fragments: 0) */
	struct flow_hash fh;      /* flow_key_hash(&key) and its buckets, for TCP, UDP and SCTP */
	uint8_t frag;             /* enum frag_kind */
	uint32_t fh_hint;         /* the pipeline's: flow_prefetch_match() of fh (0: no signature matched) */
	bool common;              /* parsed by parse_common(): IPv4 without options, TCP or UDP, no fragment */
	uint16_t frag_hdr;        /* IPv6: where the fragment header is */
	uint32_t frag_id;         /* the datagram's identification (host order) */
	uint32_t frag_new_id;     /* the one it leaves with when translated (frag.h) */
};

static inline struct rte_ipv4_hdr *pkt_ip4(const struct pkt *p)
{
	return (struct rte_ipv4_hdr *)(p->data + p->l3_off);
}

static inline struct rte_ipv6_hdr *pkt_ip6(const struct pkt *p)
{
	return (struct rte_ipv6_hdr *)(p->data + p->l3_off);
}

static inline uint8_t *pkt_l4(const struct pkt *p)
{
	return p->data + p->l4_off;
}

/* Length of the IP packet (header included), by the header's own account. */
static inline uint32_t pkt_ip_len(const struct pkt *p)
{
	return (uint32_t)(p->l4_off - p->l3_off) + p->l4_len;
}

static inline enum gfwd_drop parse_l2(struct pkt *p)
{
	if (unlikely(p->len < sizeof(struct rte_ether_hdr)))
		return DROP_TOO_SHORT;
	p->eth = (struct rte_ether_hdr *)p->data;
	p->ether_type = p->eth->ether_type;
	p->l3_off = sizeof(struct rte_ether_hdr);
	if (p->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (unlikely(p->len < p->l3_off + sizeof(struct rte_vlan_hdr)))
			return DROP_TOO_SHORT;
		p->ether_type = ((struct rte_vlan_hdr *)(p->data + p->l3_off))->eth_proto;
		p->l3_off += sizeof(struct rte_vlan_hdr);
	}
	return PARSE_OK;
}

/* Fragments of TCP and UDP datagrams are translated (frag.h); those of other protocols are
 * not. A later fragment whose offset lands inside the TCP header would rewrite what the
 * first one carried (RFC 1858's overlapping attack). */
static inline enum gfwd_drop fragment_check(const struct pkt *p, uint8_t proto, unsigned offset_units)
{
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return DROP_IP_FRAGMENT;
	if (p->frag == FRAG_LATER && proto == IPPROTO_TCP && offset_units * 8 < sizeof(struct rte_tcp_hdr))
		return DROP_BAD_L4_HEADER;
	return PARSE_OK;
}

/* IPv4 options (RFC 791): end of list (0) ends them, no-operation (1) is one byte, every
 * other option has a length byte of at least 2 that keeps it inside the header. Nothing
 * after the header may be reached by a length that runs past it. */
static inline bool ipv4_options_ok(const uint8_t *opt, unsigned len)
{
	for (unsigned i = 0; i < len;) {
		if (opt[i] == 0)
			return true;   /* the rest is padding */
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || opt[i + 1] > len - i)
			return false;
		i += opt[i + 1];
	}
	return true;
}

static inline enum gfwd_drop parse_ipv4(struct pkt *p)
{
	uint32_t avail = p->len - p->l3_off;
	if (unlikely(avail < sizeof(struct rte_ipv4_hdr)))
		return DROP_TOO_SHORT;
	struct rte_ipv4_hdr *ip = pkt_ip4(p);
	if (unlikely((ip->version_ihl >> 4) != 4))
		return DROP_BAD_IP_VERSION;
	unsigned ihl = (ip->version_ihl & 0xf) * 4u;
	unsigned total = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(ihl < sizeof(*ip) || total < ihl || total > avail))
		return DROP_BAD_IP_HEADER;
	/* Summed with its own checksum field, a valid header folds to 0xffff. Skipped when
	 * the NIC already checked it. */
	if (unlikely((p->m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
		     !ipv4_header_ok(ip, ihl)))
		return DROP_BAD_IP_CHECKSUM;
	if (unlikely(ihl > sizeof(*ip)) && !ipv4_options_ok((const uint8_t *)(ip + 1), ihl - (unsigned)sizeof(*ip)))
		return DROP_BAD_IP_OPTIONS;
	if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		p->frag = ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK) ? FRAG_LATER : FRAG_FIRST;
		p->frag_id = rte_be_to_cpu_16(ip->packet_id);
		enum gfwd_drop r = fragment_check(p, ip->next_proto_id,
						  rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK);
		if (r != PARSE_OK)
			return r;
	}
	p->l4_off = (uint16_t)(p->l3_off + ihl);
	p->l4_len = (uint16_t)(total - ihl);
	p->key.family = GFWD_AF_INET;
	p->key.proto = ip->next_proto_id;
	p->key.src.v4 = ip->src_addr;   /* the rest of the key is already zero */
	p->key.dst.v4 = ip->dst_addr;
	return PARSE_OK;
}

/* Walks extension headers to the upper-layer header. A fragment header makes the packet a
 * first fragment (offset 0: the walk goes on into the fragmentable part) or a later one
 * (only payload follows); an atomic fragment (offset 0, no more) is a whole datagram. */
static inline enum gfwd_drop parse_ipv6(struct pkt *p)
{
	uint32_t avail = p->len - p->l3_off;
	if (unlikely(avail < sizeof(struct rte_ipv6_hdr)))
		return DROP_TOO_SHORT;
	struct rte_ipv6_hdr *ip = pkt_ip6(p);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6))
		return DROP_BAD_IP_VERSION;
	uint32_t end = p->l3_off + sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if (unlikely(end > p->len))
		return DROP_BAD_IP_HEADER;
	uint32_t off = p->l3_off + sizeof(*ip);
	uint8_t next = ip->proto;
	for (int i = 0;; i++) {
		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS &&
		    next != IPPROTO_AH && next != IPPROTO_FRAGMENT)
			break;
		if (unlikely(i == MAX_IPV6_EXT_HEADERS))
			return DROP_BAD_IP_HEADER;
		if (unlikely(off + 8 > end))
			return DROP_BAD_IP_HEADER;
		if (next == IPPROTO_FRAGMENT) {
			if (unlikely(p->frag_hdr != 0))
				return DROP_BAD_IP_HEADER;   /* one fragment header per packet */
			uint16_t offset_m = (uint16_t)(p->data[off + 2] << 8 | p->data[off + 3]);
			p->frag_hdr = (uint16_t)off;
			next = p->data[off];
			off += 8;
			if ((offset_m & 0xfff9) == 0)
				continue;   /* atomic: offset 0, no more fragments */
			p->frag = offset_m >> 3 ? FRAG_LATER : FRAG_FIRST;
			p->frag_id = (uint32_t)p->data[off - 4] << 24 | (uint32_t)p->data[off - 3] << 16 |
				     (uint32_t)p->data[off - 2] << 8 | p->data[off - 1];
			enum gfwd_drop r = fragment_check(p, next, offset_m >> 3);
			if (r != PARSE_OK)
				return r;
			if (p->frag == FRAG_LATER)
				break;   /* payload only from here */
			continue;
		}
		uint32_t hlen = next == IPPROTO_AH ? (p->data[off + 1] + 2u) * 4u : (p->data[off + 1] + 1u) * 8u;
		next = p->data[off];
		off += hlen;
		if (unlikely(off > end))
			return DROP_BAD_IP_HEADER;
	}
	p->l4_off = (uint16_t)off;
	p->l4_len = (uint16_t)(end - off);
	p->key.family = GFWD_AF_INET6;
	p->key.proto = next;
	memcpy(p->key.src.b, ip->src_addr, 16);
	memcpy(p->key.dst.b, ip->dst_addr, 16);
	return PARSE_OK;
}

/* Ports into the key and what the pipeline needs of each protocol. A first fragment must
 * hold the whole L4 header (no tiny fragments); a later one has none. */
static inline enum gfwd_drop parse_l4(struct pkt *p)
{
	if (p->frag == FRAG_LATER)
		return PARSE_OK;
	uint8_t *l4 = pkt_l4(p);
	switch (p->key.proto) {
	case IPPROTO_TCP: {
		if (unlikely(p->l4_len < sizeof(struct rte_tcp_hdr)))
			return DROP_BAD_L4_HEADER;
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4;
		unsigned hl = (t->data_off >> 4) * 4u;
		if (unlikely(hl < sizeof(*t) || hl > p->l4_len))
			return DROP_BAD_L4_HEADER;
		p->key.sport = t->src_port;
		p->key.dport = t->dst_port;
		p->tcp_flags = t->tcp_flags;
		return PARSE_OK;
	}
	case IPPROTO_UDP: {
		if (unlikely(p->l4_len < sizeof(struct rte_udp_hdr)))
			return DROP_BAD_L4_HEADER;
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4;
		uint16_t ul = rte_be_to_cpu_16(u->dgram_len);
		/* A first fragment holds only the start of the datagram the length counts. */
		if (unlikely(ul < sizeof(*u) || (p->frag == FRAG_NONE ? ul > p->l4_len : ul <= p->l4_len)))
			return DROP_BAD_L4_HEADER;
		p->key.sport = u->src_port;
		p->key.dport = u->dst_port;
		return PARSE_OK;
	}
	case IPPROTO_SCTP: {
		/* Common header plus at least one chunk header. */
		if (unlikely(p->l4_len < sizeof(struct rte_sctp_hdr) + 4))
			return DROP_BAD_L4_HEADER;
		struct rte_sctp_hdr *s = (struct rte_sctp_hdr *)l4;
		p->key.sport = s->src_port;
		p->key.dport = s->dst_port;
		return PARSE_OK;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (unlikely(p->l4_len < sizeof(struct rte_icmp_hdr)))
			return DROP_BAD_L4_HEADER;
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		return PARSE_OK;
	default:
		return DROP_UNSUPPORTED_PROTO;
	}
}

#endif
