/* SPDX-License-Identifier: Apache-2.0
 * The forwarder's process-wide state (dataplane.c owns it): ports, address tables, the
 * published config and the workers. Written by the control side before start (ports) or
 * through RCU (config); read by every layer above. */
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
#include "neigh.h"
#include "owned.h"
#include "tunables.h"

/* Index of a family in per-family arrays: 0 = IPv4, 1 = IPv6. */
static inline int fam(uint8_t family)
{
	return family == GFWD_AF_INET6;
}

struct port_addr {
	bool present;
	bool has_gateway;
	uint8_t prefix_len;
	struct addr addr;
	struct addr gateway;
};

struct port {
	char name[PORT_NAME_LEN];
	uint16_t eth_port;
	uint16_t n_rx_queues;
	uint16_t mtu;               /* IP MTU, bytes */
	struct rte_ether_addr mac;
	struct port_addr a[2];      /* by fam() */
	struct rte_ring *ctrl_tx;   /* frames from the control side, sent by worker 0 */
	/* Ring ports only, one pair per worker queue: what gfwd_ring_inject() feeds and
	 * gfwd_ring_collect() reads. */
	uint16_t n_rings;
	struct rte_ring *ring_rx[MAX_WORKERS];
	struct rte_ring *ring_tx[MAX_WORKERS];
	/* Its kernel interface (kernel.h), when it has one: the ethdev and the frames the
	 * workers hand it, which worker 0 sends there. */
	struct rte_ring *to_kernel;   /* NULL: none */
	uint16_t kernel_eth;
	char kernel_name[PORT_NAME_LEN];
};

struct worker;

struct dataplane {
	struct rte_mempool *pool;
	uint16_t n_ports;
	struct port ports[MAX_PORTS];
	uint8_t port_of_eth[RTE_MAX_ETHPORTS];  /* ethdev port id → our port index */
	struct addr snat_addrs[2][MAX_PORTS];   /* by fam(), then port: the port's address */
	struct addr vips[MAX_VIPS];             /* append-only: a VIP id never changes address */
	uint32_t n_vips;
	int32_t *vip_index;                     /* open addressing over vips[] */
	struct neigh_table neigh;
	struct config *config;                  /* RCU-published */
	struct owned_set *owned;                /* RCU-published; NULL: every VIP of config */
	struct rte_rcu_qsbr *rcu;
	struct rte_ring *punt;                  /* workers → agent (gfwd_punt_read): mbufs */
	unsigned n_workers;
	struct worker *workers[MAX_WORKERS];
	uint32_t idle_sleep_us;                 /* the idle back-off's cap; 0 = busy polling */
	volatile bool running;
	bool started;
};

extern struct dataplane dp;

/* The mbuf pool of that many mbufs, the RCU state, the VIP index, the punt ring; -ENOMEM. */
int dp_init(unsigned mbufs);

static inline const struct config *dp_config(void)
{
	return __atomic_load_n(&dp.config, __ATOMIC_ACQUIRE);
}

/* True when addr is one of the ports' own addresses. */
static inline bool dp_is_port_addr(uint8_t family, const struct addr *addr, uint16_t *port)
{
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		const struct port_addr *pa = &dp.ports[p].a[fam(family)];
		if (pa->present && addr_eq(&pa->addr, addr)) {
			if (port != NULL)
				*port = p;
			return true;
		}
	}
	return false;
}

/* True when this forwarder owns addr (gfwd_owned_set): one of the owned set, or without
 * one, a VIP of cfg. */
static inline bool dp_owns(const struct config *cfg, uint8_t family, const struct addr *addr)
{
	const struct owned_set *o = __atomic_load_n(&dp.owned, __ATOMIC_ACQUIRE);
	return o == NULL ? config_has_vip(cfg, addr) : owned_has(o, family, addr);
}

/* True when this forwarder answers for addr (ARP, NDP, ICMP echo): a port address or an
 * address it owns. */
static inline bool dp_answers_for(const struct config *cfg, uint8_t family, const struct addr *addr)
{
	return dp_is_port_addr(family, addr, NULL) || dp_owns(cfg, family, addr);
}

/* Next hop of dst: dst itself if a port is on its prefix, else a port's gateway. */
uint16_t dp_next_hop(const struct addr *dst, uint8_t family);
int dp_vip_id(const struct addr *vip);
/* Queues a frame the control side built for worker 0 to send. Takes ownership of m. */
int dp_ctrl_send(uint16_t port, struct rte_mbuf *m);

#endif
