/* SPDX-License-Identifier: Apache-2.0
 * ICMP and ICMPv6: echo for the ports' addresses and the VIPs, errors about tracked flows
 * translated to the other side of the NAT, and "too big" sent when encapsulation would
 * exceed the MTU. */
#ifndef GFWD_ICMP_H
#define GFWD_ICMP_H

#include <stdbool.h>
#include "config.h"
#include "parse.h"
#include "worker.h"

/* p is ICMP or ICMPv6; `local` says its destination is a port address or a VIP. */
void icmp_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p, bool local);
/* Answers p, which cannot be sent whole after adding `overhead` bytes, with "fragmentation
 * needed" (IPv4) or "packet too big" (IPv6) naming the MTU that fits. Consumes p. */
void icmp_too_big(struct worker *w, uint16_t in_port, struct pkt *p, uint32_t mtu);

/* Checksum of an ICMPv6 message of len bytes, pseudo header included (RFC 8200 §8.1),
 * summed in memory order like rte_raw_cksum: ready to store. */
static inline uint16_t icmp6_checksum(const struct rte_ipv6_hdr *ip, const void *icmp, uint32_t len)
{
	uint32_t sum = rte_raw_cksum(ip->src_addr, 32);
	sum += rte_cpu_to_be_16((uint16_t)len);   /* the 32-bit length's high word is 0 */
	sum += rte_cpu_to_be_16(IPPROTO_ICMPV6);
	sum += rte_raw_cksum(icmp, len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline uint16_t icmp4_checksum(const void *icmp, uint32_t len)
{
	return (uint16_t)~rte_raw_cksum(icmp, len);
}

#endif
