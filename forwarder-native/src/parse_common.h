/* SPDX-License-Identifier: Apache-2.0
 * The frame almost every packet is, parsed in one go: untagged Ethernet to the port's own MAC,
 * an IPv4 header of 20 bytes that is no fragment and has a TTL above 1, carrying TCP or UDP. A
 * few word loads and compares check all of it and fill the packet exactly as the step-by-step
 * parse (parse.h) does, with the flow key's hash computed from the same registers; the pipeline
 * then skips the tests none of that can fail (ICMP, IPv6 multicast, TTL, later fragments).
 *
 * This only ever accepts: any frame it does not take goes through parse.h's steps, which say
 * why it is dropped (or take it: VLAN tags, options, fragments, IPv6, ICMP, SCTP, broadcast,
 * a TTL of 0 or 1, dropped after the kernel's BGP and BFD sessions have had their look).
 * So what a frame's fate is does not depend on which of the two parsed it; `test_parse`
 * checks that, field by field, over every way a frame can differ from the common one. */
#ifndef GFWD_PARSE_COMMON_H
#define GFWD_PARSE_COMMON_H

#include "parse.h"

#define COMMON_L3_OFF 14u   /* untagged Ethernet */
#define COMMON_L4_OFF 34u   /* and an IPv4 header without options */

/* A 20-byte IPv4 header summed with its own checksum is valid when the one's complement sum
 * folds to 0xffff: the plain sum of its five 32-bit words, a multiple of 0xffff and not 0 (2^16
 * and 2^32 are 1 modulo 0xffff, so folding keeps the value modulo 0xffff, and a non-zero sum
 * never folds to 0). One division by a constant instead of the folds (ipv4_header_ok). */
static __rte_always_inline bool ipv4_header20_ok(const uint8_t *h)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < 20; i += 4) {   /* word by word: copied whole, it went through the stack */
		uint32_t w;
		memcpy(&w, h + i, 4);
		sum += w;
	}
	return sum % 0xffff == 0 && sum != 0;
}

/* true: p is filled as parse() fills it (p->m, data and len set by the caller), and *hash is
 * flow_key_hash(&p->key). false: p is untouched but for what parse() overwrites anyway. */
static __rte_always_inline bool parse_common(struct pkt *p, const struct rte_ether_addr *mac, uint32_t *hash)
{
	const uint8_t *d = p->data;
	uint32_t len = p->len;
	if (unlikely(len < COMMON_L4_OFF))
		return false;
	uint32_t dst_lo, mac_lo, type_ver;
	uint16_t dst_hi, mac_hi;
	memcpy(&dst_lo, d, 4);
	memcpy(&dst_hi, d + 4, 2);
	memcpy(&mac_lo, mac->addr_bytes, 4);
	memcpy(&mac_hi, mac->addr_bytes + 4, 2);
	memcpy(&type_ver, d + 12, 4);   /* EtherType, then IPv4's version and header length */
	if (unlikely(((dst_lo ^ mac_lo) | (uint16_t)(dst_hi ^ mac_hi)) != 0 ||
		     (type_ver & 0xffffff) != (RTE_ETHER_TYPE_IPV4 >> 8 | (RTE_ETHER_TYPE_IPV4 & 0xff) << 8 | 0x45u << 16)))
		return false;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(d + COMMON_L3_OFF);
	uint32_t total = rte_be_to_cpu_16(ip->total_length);
	uint8_t proto = ip->next_proto_id;
	uint32_t l4_len = total - 20;
	/* 20 ≤ total ≤ what the frame holds, in one unsigned compare; no fragment. */
	if (unlikely(total - 20 > len - COMMON_L3_OFF - 20 ||
		     (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
		     ip->time_to_live <= 1))
		return false;   /* the TTL too: the pipeline tests a common frame's no more */
	const uint8_t *l4 = d + COMMON_L4_OFF;
	if (proto == IPPROTO_TCP) {
		if (unlikely(l4_len < sizeof(struct rte_tcp_hdr)))
			return false;   /* before the data offset is read: it may lie past the frame */
		unsigned hl = (l4[12] >> 4) * 4u;
		if (unlikely(hl < sizeof(struct rte_tcp_hdr) || hl > l4_len))
			return false;
		p->tcp_flags = l4[13];
	} else if (likely(proto == IPPROTO_UDP)) {
		if (unlikely(l4_len < sizeof(struct rte_udp_hdr)))
			return false;
		unsigned ul = (unsigned)l4[4] << 8 | l4[5];
		if (unlikely(ul < sizeof(struct rte_udp_hdr) || ul > l4_len))
			return false;
	} else {
		return false;
	}
	/* Skipped when the NIC checked it; a bad one is parse()'s to count. */
	if (unlikely((p->m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
		     !ipv4_header20_ok((const uint8_t *)ip)))
		return false;
	p->eth = (struct rte_ether_hdr *)p->data;
	p->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	p->l3_off = COMMON_L3_OFF;
	p->l4_off = COMMON_L4_OFF;
	p->l4_len = (uint16_t)l4_len;
	p->frag = FRAG_NONE;
	p->frag_hdr = 0;
	p->common = true;
	uint32_t ports;
	memcpy(&ports, l4, 4);   /* source and destination port, TCP and UDP alike */
	uint64_t tail = ports | (uint64_t)proto << 32 | (uint64_t)GFWD_AF_INET << 40;
	*hash = flow_key4_fill(&p->key, ip->src_addr, ip->dst_addr, tail);
	return true;
}

#endif
