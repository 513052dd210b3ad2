/* SPDX-License-Identifier: Apache-2.0
 * The per-lcore context (l3fwd's lcore_conf): a worker's own flow table, SNAT port range,
 * tx queues and counters, which nothing shares with another worker, and the two ways a
 * packet leaves the pipeline: drop() and emit(). The loop that runs it is worker.c. */
#ifndef GFWD_LCORE_H
#define GFWD_LCORE_H

#include <stdint.h>
#include <rte_mbuf.h>
#include "config.h"
#include "counters.h"
#include "flow.h"
#include "frag.h"
#include "snat.h"
#include "tunables.h"

#define TXQ_CAP (BURST_SIZE * 2)

/* A client's backend under session affinity. */
struct affinity {
	struct addr client;
	struct addr backend;
	uint16_t vip_id;
	uint16_t vport;
	uint16_t backend_port;
	uint8_t proto;
	uint8_t used;
	uint32_t expires;           /* worker clock, seconds */
};

/* When this worker last reported a conflict over an address (rate limit). */
struct conflict_note {
	struct addr addr;
	uint64_t tsc;
};

struct tx_queue {
	uint16_t n;
	struct rte_mbuf *m[TXQ_CAP];
};

struct worker {
	unsigned index;             /* 0 .. n_workers-1; also its rx/tx queue */
	unsigned lcore_id;
	struct flow_table *flows;
	const struct config *cfg;   /* the config of the burst in progress */
	struct traffic *live;       /* its counter slots of this worker, cfg->live[index]: count() */
	const struct config *cfg_seen;  /* the last config this worker adopted (worker_adopt) */
	uint32_t now;               /* seconds since start, refreshed per loop */
	uint64_t now_tsc;
	uint32_t second;            /* now_tsc / TSC rate, as of the last turn that crossed a second */
	uint64_t next_second_tsc;   /* when it changes next: worker_tick divides only then */
	uint64_t sweep_tsc;         /* the sweep has visited every flow due before this */
	uint64_t sweep_tsc_per_flow;
	uint16_t snat_first;        /* this worker's share of the SNAT ports (host order) */
	uint16_t snat_last;
	struct snat_ports snat;     /* which of them each (SNAT address, backend) has in use */
	struct tx_queue tx[MAX_PORTS];
	struct affinity *affinity;  /* AFFINITY_SLOTS entries */
	struct frag_table frags;    /* where later fragments follow their first */
	struct rte_ring *inbox;     /* packets other workers hand over (their flows are ours) */
	uint64_t loops;             /* a heartbeat: every turn of the loop */
	struct conflict_note conflicts[CONFLICT_SLOTS];
	uint32_t idle_polls;        /* loop turns without a packet since the last one */
	uint32_t idle_sleep_us;     /* the back-off's current sleep */
	struct counters cnt;
} __rte_cache_aligned;

/* The pool a full-NAT flow's port comes from (its backend's address is in ft's table). */
static inline struct snat_key snat_key_of(const struct flow_table *ft, const struct flow *f)
{
	return (struct snat_key){ .backend = *flow_backend_addr(ft, f), .backend_port = f->backend_port, .proto = f->proto,
				  .family = f->family, .snat_id = f->snat_id };
}

static inline void drop(struct worker *w, struct rte_mbuf *m, enum gfwd_drop why)
{
	w->cnt.drop[why]++;
	rte_pktmbuf_free(m);
}

/* Queues m for transmission on port; sent at the end of the burst. */
static inline void emit(struct worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct tx_queue *q = &w->tx[port];
	if (unlikely(q->n == TXQ_CAP)) {
		drop(w, m, DROP_TX_FULL);
		return;
	}
	q->m[q->n++] = m;
}

#endif
