/* SPDX-License-Identifier: Apache-2.0
 * The kernel interface of a data port (BGP mode, issue 14): an ethdev the agent asks for
 * (a net_tap vdev, gfwd_port_kernel_add) through which the host kernel, and the FRR that
 * runs on it, speaks on the data port as if it were the port itself. The data plane hands
 * it the forwarder's own control traffic:
 *
 *   - TCP from or to port 179 (BGP) and UDP to 3784, 3785, 4784 (BFD single hop, echo,
 *     multihop) addressed to the port's own address, unless a flow of the data plane has the
 *     tuple (a full-NAT reply whose backend listens on 179 stays a reply);
 *   - copies of ARP asking for the port's IPv4 address or answering the kernel, and of
 *     neighbour solicitations for the port's IPv6 address or a link-local one and
 *     advertisements to them, so the kernel resolves its peers (the data plane answers and
 *     learns from them too);
 *
 * and sends whatever the kernel transmits out of the data port unchanged. Worker 0 alone
 * polls the kernel side, like it sends the control side's frames, so a forwarder whose
 * port or workers stop loses its BGP and BFD sessions with them: that is the point. A
 * BGP packet to a VIP is a VIP's traffic, never the kernel's. */
#ifndef GFWD_KERNEL_H
#define GFWD_KERNEL_H

#include <stdbool.h>
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include "dataplane.h"
#include "lcore.h"
#include "ndp.h"
#include "parse.h"

#define BGP_PORT 179
#define BFD_CONTROL_PORT 3784      /* RFC 5881 */
#define BFD_ECHO_PORT 3785
#define BFD_MULTIHOP_PORT 4784     /* RFC 5883 */

static inline bool kernel_attached(uint16_t port)
{
	return dp.ports[port].to_kernel != NULL;
}

/* A TCP or UDP packet p (arrived on in_port) that is the kernel's session traffic. */
static inline bool kernel_wants_l4(uint16_t in_port, const struct pkt *p)
{
	if (!kernel_attached(in_port))
		return false;
	const struct port_addr *pa = &dp.ports[in_port].a[fam(p->key.family)];
	if (!pa->present || !addr_eq(&pa->addr, &p->key.dst))
		return false;
	if (p->key.proto == IPPROTO_TCP)
		return p->key.dport == RTE_BE16(BGP_PORT) || p->key.sport == RTE_BE16(BGP_PORT);
	if (p->key.proto == IPPROTO_UDP)
		return p->key.dport == RTE_BE16(BFD_CONTROL_PORT) || p->key.dport == RTE_BE16(BFD_ECHO_PORT) ||
		       p->key.dport == RTE_BE16(BFD_MULTIHOP_PORT);
	return false;
}

static inline bool is_link_local6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* A neighbour solicitation or advertisement the kernel must see to keep its neighbours:
 * a solicitation for the port's address or a link-local one (the kernel has its own, the
 * data plane none), an advertisement addressed to either. DAD probes stay out: the kernel
 * would take one for a duplicate of its own address. */
static inline bool kernel_wants_nd(uint16_t in_port, const struct pkt *p)
{
	if (!kernel_attached(in_port) || is_dad_probe(p))
		return false;
	const struct port_addr *pa = &dp.ports[in_port].a[1];
	const uint8_t *target = pkt_l4(p) + 8;   /* after type, code, checksum, flags */
	const uint8_t *about = p->icmp_type == ND_SOLICIT ? target : p->key.dst.b;
	return is_link_local6(about) || (pa->present && memcmp(about, pa->addr.b, 16) == 0);
}

/* An ARP the kernel must see: a request for the port's address, or any reply (to the
 * kernel's requests as much as to the data plane's: the same MAC asked). */
static inline bool kernel_wants_arp(uint16_t in_port, const struct rte_arp_hdr *a)
{
	if (!kernel_attached(in_port))
		return false;
	if (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY))
		return true;
	const struct port_addr *pa = &dp.ports[in_port].a[0];
	return pa->present && a->arp_data.arp_tip == pa->addr.v4;
}

/* Hands m to in_port's kernel interface (worker 0 sends it there), or drops it when the
 * ring is full. */
static inline void kernel_give(struct worker *w, uint16_t in_port, struct rte_mbuf *m)
{
	if (unlikely(rte_ring_mp_enqueue(dp.ports[in_port].to_kernel, m) != 0)) {
		drop(w, m, DROP_KERNEL_RING_FULL);
		return;
	}
	w->cnt.event[EV_KERNEL_PUNTED]++;
}

/* A copy of m to the kernel; m itself goes on through the pipeline. */
static inline void kernel_copy(struct worker *w, uint16_t in_port, const struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, dp.pool, 0, UINT32_MAX);
	if (unlikely(c == NULL)) {
		w->cnt.drop[DROP_NO_MBUF]++;
		return;
	}
	kernel_give(w, in_port, c);
}

/* Makes eth_port the kernel interface of data port `port`: one rx and one tx queue (worker
 * 0 polls it), the port's MAC, a ring for what the workers hand it. Before gfwd_start(). */
int kernel_attach(uint16_t port, uint16_t eth_port, const char *name);
/* Worker 0, every loop turn: what the workers handed over goes to the kernel, what the
 * kernel sent goes out of the data port (into w's tx queues). Returns how many frames. */
unsigned kernel_poll(struct worker *w);

#endif
