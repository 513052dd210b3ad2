/* SPDX-License-Identifier: Apache-2.0
 * Martian sources: addresses no packet arriving from the network may come from (RFC 1812
 * §5.3.7, RFC 4291 §2.5.2-2.7). Forwarding one to a backend, or answering it, aims traffic
 * at a broadcast, multicast or loopback address, or at this forwarder itself. Checked where
 * a packet would create state or be answered (a new flow, ICMP, NDP); an established flow's
 * packets skip it, as its source passed when the flow opened. */
#ifndef GFWD_MARTIAN_H
#define GFWD_MARTIAN_H

#include <rte_byteorder.h>
#include "dataplane.h"
#include "parse.h"

/* The subnet broadcast of one of the ports' IPv4 prefixes (none for /31 and /32). */
static inline bool is_directed_broadcast(uint32_t a)
{
	for (uint16_t i = 0; i < dp.n_ports; i++) {
		const struct port_addr *pa = &dp.ports[i].a[0];
		if (!pa->present || pa->prefix_len == 0 || pa->prefix_len > 30)
			continue;
		uint32_t host = UINT32_MAX >> pa->prefix_len;
		if ((a & host) == host && ((a ^ rte_be_to_cpu_32(pa->addr.v4)) & ~host) == 0)
			return true;
	}
	return false;
}

/* A source no host may have: "this network", loopback, multicast, reserved, broadcast. */
static inline bool martian_address(const struct pkt *p)
{
	const struct addr *src = &p->key.src;
	if (p->key.family == GFWD_AF_INET) {
		uint32_t a = rte_be_to_cpu_32(src->v4);
		uint32_t top = a >> 24;
		/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved and
		 * 255.255.255.255 broadcast. */
		if (top == 0 || top == 127 || top >= 224 || is_directed_broadcast(a))
			return true;
	} else {
		bool unspecified_or_loopback = src->q[0] == 0 && (src->q[1] == 0 || src->q[1] == RTE_BE64(1));
		if (unspecified_or_loopback || src->b[0] == 0xff)   /* ::, ::1, ff00::/8 multicast */
			return true;
	}
	return false;
}

/* A martian address, or ourselves: a "land" packet (source = destination), a VIP or a
 * port's address. */
static inline bool martian_source(const struct config *cfg, const struct pkt *p)
{
	const struct addr *src = &p->key.src;
	return martian_address(p) || addr_eq(src, &p->key.dst) || dp_is_port_addr(p->key.family, src, NULL) || config_has_vip(cfg, src);
}

#endif
