/* SPDX-License-Identifier: Apache-2.0
 * IP-in-IP encapsulation for DSR over L3 (Katran style): IPv4 in IPv4 (protocol 4), IPv6
 * in IPv6 (next header 41). The backend decapsulates and answers the client directly. */
#ifndef GFWD_ENCAP_H
#define GFWD_ENCAP_H

#include <rte_ip.h>
#include <rte_mbuf.h>
#include "parse.h"

static inline uint16_t encap_overhead(uint8_t family)
{
	return family == GFWD_AF_INET ? sizeof(struct rte_ipv4_hdr) : sizeof(struct rte_ipv6_hdr);
}

/* Puts an outer header from src to dst in front of p's IP packet, moving the L2 header
 * into the headroom. p's pointers are updated; the key keeps the inner tuple. Returns
 * false when the mbuf has no headroom left. */
static inline bool ipip_encap(struct pkt *p, const struct addr *src, const struct addr *dst)
{
	uint16_t outer = encap_overhead(p->key.family);
	uint32_t inner_len = pkt_ip_len(p);
	uint32_t frame_len = p->l3_off + inner_len;
	if (rte_pktmbuf_data_len(p->m) > frame_len)   /* Ethernet padding must not be encapsulated */
		rte_pktmbuf_trim(p->m, (uint16_t)(rte_pktmbuf_data_len(p->m) - frame_len));
	uint8_t *start = (uint8_t *)rte_pktmbuf_prepend(p->m, outer);
	if (start == NULL)
		return false;
	memmove(start, start + outer, p->l3_off);
	p->data = start;
	p->len += outer;
	p->eth = (struct rte_ether_hdr *)start;
	if (p->key.family == GFWD_AF_INET) {
		struct rte_ipv4_hdr *in = (struct rte_ipv4_hdr *)(start + p->l3_off + outer);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(start + p->l3_off);
		ip->version_ihl = 0x45;
		ip->type_of_service = in->type_of_service;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(inner_len + outer));
		ip->packet_id = 0;
		ip->fragment_offset = in->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_IPIP;
		ip->src_addr = src->v4;
		ip->dst_addr = dst->v4;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	} else {
		struct rte_ipv6_hdr *in = (struct rte_ipv6_hdr *)(start + p->l3_off + outer);
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(start + p->l3_off);
		/* Same traffic class, no flow label (it described the inner flow). */
		ip->vtc_flow = (in->vtc_flow & RTE_BE32(0x0ff00000)) | RTE_BE32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)inner_len);
		ip->proto = IPPROTO_IPV6;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src->b, 16);
		memcpy(ip->dst_addr, dst->b, 16);
	}
	p->l4_off += outer;
	return true;
}

#endif
