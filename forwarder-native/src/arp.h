/* SPDX-License-Identifier: Apache-2.0
 * ARP in the data plane: answers for the ports' addresses and the VIPs, learns the MACs
 * of known next hops, and builds the requests and announcements the control side sends. */
#ifndef GFWD_ARP_H
#define GFWD_ARP_H

#include "addr.h"
#include "config.h"
#include "lcore.h"
#include "parse.h"

void arp_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p);

/* Frames for the control side (NULL when out of mbufs): an ARP request for target, a
 * gratuitous ARP for addr. */
struct rte_mbuf *arp_request(uint16_t port, const struct addr *target);
struct rte_mbuf *arp_gratuitous(uint16_t port, const struct addr *addr);

#endif
