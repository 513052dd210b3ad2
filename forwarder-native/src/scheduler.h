/* SPDX-License-Identifier: Apache-2.0
 * Choosing a backend for a new connection: Maglev (consistent), round robin, weighted
 * round robin, least connections (this worker's), source hash, and session affinity per
 * client address with a timeout. */
#ifndef GFWD_SCHEDULER_H
#define GFWD_SCHEDULER_H

#include "config.h"
#include "hash.h"
#include "lcore.h"
#include "parse.h"

#define NO_BACKEND UINT32_MAX

/* CRC32c is linear, so flows that differ in a few bits (one client's ports p, p+2, p+4, ...)
 * differ in their CRCs by a few fixed patterns. Maglev indexes its table with the CRC run through
 * hash.h's mix, which spreads every input bit over the whole word (the high half keeps the
 * remainder a 32-bit division). Every forwarder computes the same, so ECMP-spread flows still pick
 * one backend. */
static inline uint32_t spread(uint32_t h)
{
	return (uint32_t)(mix64(h) >> 32);
}

static inline uint32_t maglev_at(const struct service *svc, uint32_t hash)
{
	return svc->first_backend + svc->maglev[spread(hash) % svc->maglev_size];
}

/* sched_pick() for every service but a plain Maglev one with a serving backend (scheduler.c). */
uint32_t sched_pick_other(struct worker *w, const struct config *cfg, const struct service *svc,
			  const struct pkt *p, uint32_t flow_hash);

/* Index into cfg->backends of a serving backend, or NO_BACKEND when the service has none
 * (every backend draining counts as none). Maglev without affinity, the common case, inline:
 * a call's saving and restoring of registers was a third of its cost. */
static inline uint32_t sched_pick(struct worker *w, const struct config *cfg, const struct service *svc,
				  const struct pkt *p, uint32_t flow_hash)
{
	if (likely(svc->sched == GFWD_SCHED_MAGLEV && svc->affinity_timeout_s == 0 && svc->n_serving != 0))
		return maglev_at(svc, flow_hash);
	return sched_pick_other(w, cfg, svc, p, flow_hash);
}

/* What the scheduler gives the client's forward tuple (client address, flow_hash of the
 * client → VIP key) when that depends on the tuple alone: Maglev, source hash, and affinity
 * over either (a fresh choice hashes the client address). NO_BACKEND for the policies whose
 * choice depends on this worker's state (round robin, least connections), or no backend. */
uint32_t sched_pick_by_tuple(const struct service *svc, const struct addr *client, uint32_t flow_hash);

#endif
