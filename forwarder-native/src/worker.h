/* SPDX-License-Identifier: Apache-2.0
 * The worker loop: one lcore running rx → pipeline → tx to completion over the context
 * in lcore.h, handing packets of another worker's flows to that worker. */
#ifndef GFWD_WORKER_H
#define GFWD_WORKER_H

#include "config.h"
#include "lcore.h"

struct worker *worker_create(unsigned index, unsigned n_workers, unsigned lcore_id,
			     uint32_t flow_capacity, int socket);
void worker_free(struct worker *w);
/* First sight of a published config: takes it as w->cfg and says so in cfg_seen, which
 * gfwd_commit() waits for before it frees the old one. Counts need nothing carried: the new
 * config counts into the same slots (traffic.h). */
void worker_adopt(struct worker *w, const struct config *cfg);
/* The lcore entry point (rte_eal_remote_launch). */
int worker_main(void *arg);
/* Sends what the pipeline queued; unsent frames are freed and counted. */
void worker_flush(struct worker *w);
void worker_tick(struct worker *w);
/* Once per loop, after worker_tick() and with w->cfg set: visits as many flows as the time
 * since the last call is worth (the whole table per FLOW_SWEEP_PERIOD_MS, at most
 * FLOW_SWEEP_MAX per call) and removes the expired ones, so flows leave, and their
 * services' and backends' active counts go down, within their timeout plus the period
 * even when no packet of theirs comes again. */
void worker_sweep(struct worker *w);

#endif
