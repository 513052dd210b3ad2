/* SPDX-License-Identifier: Apache-2.0
 * A worker: one lcore running rx → pipeline → tx to completion, with its own flow table,
 * SNAT port range and counters. Nothing in here is shared with another worker. */
#ifndef GFWD_WORKER_H
#define GFWD_WORKER_H

#include <stdint.h>
#include <rte_mbuf.h>
#include "config.h"
#include "counters.h"
#include "flow.h"
#include "tunables.h"

#define TXQ_CAP (BURST_SIZE * 2)

struct tx_queue {
	uint16_t n;
	struct rte_mbuf *m[TXQ_CAP];
};

struct worker {
	unsigned index;             /* 0 .. n_workers-1; also its rx/tx queue */
	unsigned lcore_id;
	struct flow_table *flows;
	const struct config *cfg;   /* the config of the burst in progress */
	uint32_t now;               /* seconds since start, refreshed per loop */
	uint64_t now_tsc;
	uint16_t snat_first;        /* this worker's share of the SNAT ports (host order) */
	uint16_t snat_last;
	uint16_t snat_next;
	struct tx_queue tx[MAX_PORTS];
	struct counters cnt;
} __rte_cache_aligned;

struct worker *worker_create(unsigned index, unsigned n_workers, unsigned lcore_id,
			     uint32_t flow_capacity, int socket);
void worker_free(struct worker *w);
/* The lcore entry point (rte_eal_remote_launch). */
int worker_main(void *arg);
/* Sends what the pipeline queued; unsent frames are freed and counted. */
void worker_flush(struct worker *w);
void worker_tick(struct worker *w);

#endif
