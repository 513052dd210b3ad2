/* SPDX-License-Identifier: Apache-2.0
 * The process-wide state (dataplane.h): its allocation, the VIP ids, the next hop of an
 * address and the frames the control side hands to worker 0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include "dataplane.h"

struct dataplane dp;

#define VIP_SLOTS (2 * MAX_VIPS)

int dp_init(unsigned mbufs)
{
	dp.pool = rte_pktmbuf_pool_create("gfwd_mbufs", mbufs, MBUF_CACHE_SIZE, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	size_t rcu_size = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	dp.rcu = rte_zmalloc("gfwd_rcu", rcu_size, RTE_CACHE_LINE_SIZE);
	dp.vip_index = malloc(sizeof(int32_t) * VIP_SLOTS);
	/* Any worker may punt; only the agent's one reader takes. */
	dp.punt = rte_ring_create("gfwd_punt", PUNT_RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (dp.pool == NULL || dp.rcu == NULL || dp.vip_index == NULL || dp.punt == NULL)
		return -ENOMEM;
	memset(dp.vip_index, 0xff, sizeof(int32_t) * VIP_SLOTS);
	rte_rcu_qsbr_init(dp.rcu, RTE_MAX_LCORE);
	rte_spinlock_init(&dp.neigh.lock);
	return 0;
}

int dp_vip_id(const struct addr *vip)
{
	uint32_t h = rte_hash_crc(vip->b, 16, 0) & (VIP_SLOTS - 1);
	for (int32_t id; (id = dp.vip_index[h]) >= 0; h = (h + 1) & (VIP_SLOTS - 1))
		if (addr_eq(&dp.vips[id], vip))
			return id;
	if (dp.n_vips == MAX_VIPS)
		return -ENOSPC;
	uint32_t id = dp.n_vips++;
	dp.vips[id] = *vip;
	dp.vip_index[h] = (int32_t)id;
	return (int)id;
}

uint16_t dp_next_hop(const struct addr *dst, uint8_t family)
{
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		const struct port_addr *pa = &dp.ports[p].a[fam(family)];
		if (pa->present && addr_same_prefix(dst, &pa->addr, pa->prefix_len))
			return neigh_ensure(&dp.neigh, family, dst, p);
	}
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		const struct port_addr *pa = &dp.ports[p].a[fam(family)];
		if (pa->present && pa->has_gateway)
			return neigh_find(&dp.neigh, family, &pa->gateway);
	}
	return NEIGH_NONE;
}

int dp_ctrl_send(uint16_t port, struct rte_mbuf *m)
{
	if (rte_ring_enqueue(dp.ports[port].ctrl_tx, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}
