/* SPDX-License-Identifier: Apache-2.0
 * Choosing a backend for a new connection: Maglev (consistent), round robin, weighted
 * round robin, least connections (this worker's), source hash, and session affinity per
 * client address with a timeout. */
#ifndef GFWD_SCHEDULER_H
#define GFWD_SCHEDULER_H

#include "config.h"
#include "lcore.h"
#include "parse.h"

#define NO_BACKEND UINT32_MAX

/* Index into cfg->backends of a serving backend, or NO_BACKEND when the service has none
 * (every backend draining counts as none). */
uint32_t sched_pick(struct worker *w, const struct config *cfg, const struct service *svc,
		    const struct pkt *p, uint32_t flow_hash);

/* What the scheduler gives the client's forward tuple (client address, flow_hash of the
 * client → VIP key) when that depends on the tuple alone: Maglev, source hash, and affinity
 * over either (a fresh choice hashes the client address). NO_BACKEND for the policies whose
 * choice depends on this worker's state (round robin, least connections), or no backend. */
uint32_t sched_pick_by_tuple(const struct service *svc, const struct addr *client, uint32_t flow_hash);

#endif
