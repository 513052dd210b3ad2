/* SPDX-License-Identifier: Apache-2.0
 * The per-packet path (pipeline.c): parse → classify → (ARP | NDP | ICMP | flow → mode)
 * → queue for transmission on a worker's tx queues, or count a drop reason and free. */
#ifndef GFWD_PIPELINE_H
#define GFWD_PIPELINE_H

#include <rte_mbuf.h>
#include "config.h"
#include "lcore.h"

void pipeline_burst(struct worker *w, const struct config *cfg, uint16_t in_port,
		    struct rte_mbuf **pkts, uint16_t n);

/* The worker whose flow table holds m's flow, with several workers: RSS delivers both
 * directions of a full-NAT or DSR flow consistently except full-NAT replies (owned by
 * their SNAT port's worker), and NAT flows belong to their client's (address, port). */
unsigned pipeline_owner(const struct config *cfg, uint16_t in_port, struct rte_mbuf *m, unsigned self);

#endif
