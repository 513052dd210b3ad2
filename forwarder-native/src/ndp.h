/* SPDX-License-Identifier: Apache-2.0
 * IPv6 neighbour discovery (RFC 4861) in the data plane: answers solicitations for the
 * ports' addresses and the VIPs, learns the MACs of known next hops, and builds the
 * solicitations and unsolicited advertisements the control side sends. */
#ifndef GFWD_NDP_H
#define GFWD_NDP_H

#include <stdbool.h>
#include "addr.h"
#include "config.h"
#include "lcore.h"
#include "parse.h"

#define ND_SOLICIT 135            /* ICMPv6 types */
#define ND_ADVERT 136

/* p, ICMP or ICMPv6, is a neighbour solicitation or advertisement. */
static inline bool nd_message(const struct pkt *p)
{
	return p->key.family == GFWD_AF_INET6 && (p->icmp_type == ND_SOLICIT || p->icmp_type == ND_ADVERT);
}

/* Duplicate address detection (RFC 4862 §5.4.3): a neighbour solicitation from ::, the one
 * packet the unspecified source is meant for. */
static inline bool is_dad_probe(const struct pkt *p)
{
	return p->key.family == GFWD_AF_INET6 && p->key.proto == IPPROTO_ICMPV6 && p->icmp_type == ND_SOLICIT &&
	       addr_is_zero(&p->key.src);
}

/* A solicitation or advertisement (nd_message). */
void nd_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p);

/* Frames for the control side (NULL when out of mbufs): a neighbour solicitation for
 * target, an unsolicited neighbour advertisement for addr. */
struct rte_mbuf *nd_solicit(uint16_t port, const struct addr *target);
struct rte_mbuf *nd_unsolicited_advert(uint16_t port, const struct addr *addr);

#endif
