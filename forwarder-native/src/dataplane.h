/* SPDX-License-Identifier: Apache-2.0
 * The forwarder's process-wide state: ports, address tables, the published config and
 * the workers. Written by the control side before start (ports) or through RCU (config). */
#ifndef GFWD_DATAPLANE_H
#define GFWD_DATAPLANE_H

#include <stdbool.h>
#include <pthread.h>
#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include "addr.h"
#include "config.h"
#include "tunables.h"
#include "neigh.h"

struct port {
	char name[PORT_NAME_LEN];
	uint16_t eth_port;
	uint16_t n_rx_queues;
	struct rte_ether_addr mac;
	struct addr addr;
	uint8_t family;
	uint8_t prefix_len;
	bool has_gateway;
	struct addr gateway;
	struct rte_ring *ctrl_tx;   /* frames from the control side, sent by worker 0 */
	struct rte_ring *ring_rx;   /* ring ports only: what gfwd_ring_inject() feeds */
	struct rte_ring *ring_tx;   /* ring ports only: what gfwd_ring_collect() reads */
};

struct worker;

struct dataplane {
	struct rte_mempool *pool;
	uint16_t n_ports;
	struct port ports[MAX_PORTS];
	struct addr snat_addrs[MAX_PORTS];   /* = port addresses, indexed like ports */
	struct addr vips[MAX_VIPS];          /* append-only: a VIP id never changes address */
	uint32_t n_vips;
	int32_t *vip_index;                  /* open addressing over vips[] */
	struct neigh_table neigh;
	struct config *config;               /* RCU-published */
	struct rte_rcu_qsbr *rcu;
	unsigned n_workers;
	struct worker *workers[MAX_WORKERS];
	volatile bool running;
	bool started;
	pthread_t housekeeper;
};

extern struct dataplane dp;

static inline const struct config *dp_config(void)
{
	return __atomic_load_n(&dp.config, __ATOMIC_ACQUIRE);
}

/* Next hop of dst: dst itself if a port is on its prefix, else a port's gateway. */
uint16_t dp_next_hop(const struct addr *dst, uint8_t family);
int dp_vip_id(const struct addr *vip);
/* Queues a frame the control side built for worker 0 to send. Takes ownership of m. */
int dp_ctrl_send(uint16_t port, struct rte_mbuf *m);

#endif
