/* SPDX-License-Identifier: Apache-2.0
 * ICMP and ICMPv6: echo for the ports' addresses and the VIPs, errors about tracked flows
 * translated to the other side of the NAT, and "too big" sent when encapsulation would
 * exceed the MTU. */
#ifndef GFWD_ICMP_H
#define GFWD_ICMP_H

#include <stdbool.h>
#include "config.h"
#include "lcore.h"
#include "parse.h"

/* p is ICMP or ICMPv6 but not neighbour discovery (ndp.h); `local` says its destination
 * is a port address or a VIP. */
void icmp_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p, bool local);
/* Answers p, which cannot be sent whole after adding `overhead` bytes, with "fragmentation
 * needed" (IPv4) or "packet too big" (IPv6) naming the MTU that fits. Consumes p. */
void icmp_too_big(struct worker *w, uint16_t in_port, struct pkt *p, uint32_t mtu);

#endif
