/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_arp.h>
#include <rte_ether.h>
#include "arp.h"
#include "conflict.h"
#include "dataplane.h"
#include "kernel.h"

static struct rte_mbuf *arp_frame(uint16_t port, uint16_t op, const struct rte_ether_addr *dst,
				  const struct addr *sender, const struct rte_ether_addr *target_mac,
				  const struct addr *target)
{
	const struct port *pt = &dp.ports[port];
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL)
		return NULL;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr));
	if (eth == NULL) {   /* a data room smaller than an ARP frame: no frame rather than a write past it */
		rte_pktmbuf_free(m);
		return NULL;
	}
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&pt->mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&pt->mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = sender->v4;
	rte_ether_addr_copy(target_mac, &a->arp_data.arp_tha);
	a->arp_data.arp_tip = target->v4;
	return m;
}

static const struct rte_ether_addr BROADCAST = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr ZERO_MAC = { .addr_bytes = { 0 } };

struct rte_mbuf *arp_request(uint16_t port, const struct addr *target)
{
	return arp_frame(port, RTE_ARP_OP_REQUEST, &BROADCAST, &dp.ports[port].a[0].addr, &ZERO_MAC, target);
}

struct rte_mbuf *arp_gratuitous(uint16_t port, const struct addr *addr)
{
	/* A request for itself (RFC 5227 announcement): updates every cache that has addr. */
	return arp_frame(port, RTE_ARP_OP_REQUEST, &BROADCAST, addr, &ZERO_MAC, addr);
}

void arp_input(struct worker *w, const struct config *cfg, uint16_t in_port, struct pkt *p)
{
	if (unlikely(p->len < p->l3_off + sizeof(struct rte_arp_hdr))) {
		drop(w, p->m, DROP_TOO_SHORT);
		return;
	}
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(p->data + p->l3_off);
	if (a->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4) {
		drop(w, p->m, DROP_BAD_ARP);
		return;
	}
	if (unlikely(kernel_wants_arp(in_port, a)))
		kernel_copy(w, in_port, p->m);
	struct rte_arp_ipv4 *d = &a->arp_data;
	struct addr sender = addr_v4(d->arp_sip), target = addr_v4(d->arp_tip);
	neigh_learn(&dp.neigh, GFWD_AF_INET, &sender, &d->arp_sha, w->now_tsc);
	address_claimed(w, cfg, in_port, GFWD_AF_INET, &sender, &d->arp_sha, GFWD_CONFLICT_ARP);

	if (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY)) {
		rte_pktmbuf_free(p->m);   /* learnt above; nothing to answer */
		return;
	}
	if (a->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) || !dp_answers_for(cfg, GFWD_AF_INET, &target)) {
		drop(w, p->m, DROP_NOT_FOR_US);
		return;
	}
	const struct port *port = &dp.ports[in_port];
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&d->arp_sha, &d->arp_tha);
	rte_ether_addr_copy(&port->mac, &d->arp_sha);
	d->arp_tip = d->arp_sip;
	d->arp_sip = target.v4;
	rte_ether_addr_copy(&d->arp_tha, &p->eth->dst_addr);
	rte_ether_addr_copy(&port->mac, &p->eth->src_addr);
	w->cnt.event[EV_ARP_REPLIES]++;
	emit(w, in_port, p->m);
}
