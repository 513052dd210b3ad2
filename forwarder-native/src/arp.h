/* SPDX-License-Identifier: Apache-2.0
 * Neighbour protocols in the data plane: ARP for IPv4, NDP (RFC 4861) for IPv6. Answers
 * for the ports' addresses and the VIPs, learns the MACs of known next hops, and builds
 * the requests and announcements the control side sends. */
#ifndef GFWD_ARP_H
#define GFWD_ARP_H

#include <stdbool.h>
#include "config.h"
#include "lcore.h"
#include "parse.h"

void arp_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p);
/* ICMPv6 neighbour solicitations and advertisements. */
void nd_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p);

/* True when this forwarder answers for addr (a port address or a VIP). */
bool l2_answers_for(const struct config *cfg, uint8_t family, const struct addr *addr);

/* Frames for the control side (NULL when out of mbufs): an ARP request for target, a
 * gratuitous ARP for addr, a neighbour solicitation for target, an unsolicited neighbour
 * advertisement for addr. */
struct rte_mbuf *arp_request(uint16_t port, const struct addr *target);
struct rte_mbuf *arp_gratuitous(uint16_t port, const struct addr *addr);
struct rte_mbuf *nd_solicit(uint16_t port, const struct addr *target);
struct rte_mbuf *nd_unsolicited_advert(uint16_t port, const struct addr *addr);

#endif
