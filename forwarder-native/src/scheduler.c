/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_hash_crc.h>
#include "hash.h"
#include "scheduler.h"

static inline uint32_t client_hash(const struct addr *client)
{
	return rte_hash_crc(client->b, 16, 0x51ed27);
}

static inline uint32_t source_hash(const struct pkt *p)
{
	return client_hash(&p->key.src);
}

/* Fewest of this worker's active flows per unit of weight, among the serving backends;
 * each worker balances its own share, which RSS keeps even. Ties go to the first
 * (backends are sorted). */
static uint32_t least_connections(struct worker *w, const struct config *cfg, const struct service *svc)
{
	uint32_t best = svc->first_backend;
	double best_load = -1;
	for (uint32_t j = 0; j < svc->n_serving; j++) {
		uint32_t bi = svc->first_backend + j;
		double load = (double)traffic_backend(cfg, w->index, bi)->active / cfg->backends[bi].weight;
		if (best_load < 0 || load < best_load) {
			best_load = load;
			best = bi;
		}
	}
	return best;
}

static uint32_t by_policy(struct worker *w, const struct config *cfg, const struct service *svc,
			  const struct pkt *p, uint32_t flow_hash)
{
	uint32_t *cursor = &cfg->cursor[w->index][svc->counter];
	switch (svc->sched) {
	case GFWD_SCHED_ROUND_ROBIN:
		return svc->first_backend + (*cursor)++ % svc->n_serving;
	case GFWD_SCHED_WEIGHTED_ROUND_ROBIN:
		return svc->first_backend + svc->wrr[(*cursor)++ % svc->wrr_len];
	case GFWD_SCHED_LEAST_CONNECTIONS:
		return least_connections(w, cfg, svc);
	case GFWD_SCHED_SOURCE_HASH:
		return maglev_at(svc, source_hash(p));
	default:
		return maglev_at(svc, flow_hash);
	}
}

/* ---------------------------------------------------------------- affinity */

static inline uint32_t affinity_slot(const struct service *svc, const struct pkt *p)
{
	uint32_t h = rte_hash_crc(p->key.src.b, 16, (uint32_t)svc->vip_id << 16 ^ svc->port);
	return rte_hash_crc_4byte(svc->proto, h) & (AFFINITY_SLOTS - 1);
}

static inline bool affinity_matches(const struct affinity *a, const struct service *svc, const struct pkt *p)
{
	return a->vip_id == svc->vip_id && a->vport == svc->port && a->proto == svc->proto &&
	       addr_eq(&a->client, &p->key.src);
}

/* The client's backend while its affinity lasts; else a fresh choice, remembered. With
 * Maglev the fresh choice hashes the client address alone, so every worker agrees. */
static uint32_t with_affinity(struct worker *w, const struct config *cfg, const struct service *svc,
			      const struct pkt *p, uint32_t flow_hash)
{
	uint32_t base = affinity_slot(svc, p);
	struct affinity *victim = NULL;   /* where a new entry goes: free, expired, or oldest */
	bool victim_live = true;
	for (uint32_t i = 0; i < AFFINITY_PROBE; i++) {
		struct affinity *a = &w->affinity[(base + i) & (AFFINITY_SLOTS - 1)];
		bool live = a->used && (int32_t)(a->expires - w->now) >= 0;
		if (live && affinity_matches(a, svc, p)) {
			int64_t bi = config_find_serving_backend(cfg, svc, &a->backend, a->backend_port);
			if (bi >= 0) {
				a->expires = w->now + svc->affinity_timeout_s;
				return (uint32_t)bi;
			}
			victim = a;   /* its backend is gone or draining: choose again, in the same slot */
			break;
		}
		if (!live) {
			if (victim_live) {
				victim = a;
				victim_live = false;
			}
		} else if (victim_live && (victim == NULL || (int32_t)(a->expires - victim->expires) < 0)) {
			victim = a;
		}
	}
	uint32_t bi = svc->sched == GFWD_SCHED_MAGLEV ? maglev_at(svc, source_hash(p))
						       : by_policy(w, cfg, svc, p, flow_hash);
	*victim = (struct affinity){
		.client = p->key.src, .backend = cfg->backends[bi].addr,
		.vip_id = svc->vip_id, .vport = svc->port, .backend_port = cfg->backends[bi].port,
		.proto = svc->proto, .used = 1, .expires = w->now + svc->affinity_timeout_s,
	};
	return bi;
}

uint32_t sched_pick_other(struct worker *w, const struct config *cfg, const struct service *svc,
			  const struct pkt *p, uint32_t flow_hash)
{
	if (unlikely(svc->n_serving == 0))
		return NO_BACKEND;   /* none, or every one draining */
	if (svc->affinity_timeout_s != 0)
		return with_affinity(w, cfg, svc, p, flow_hash);
	if (likely(svc->sched == GFWD_SCHED_MAGLEV))
		return maglev_at(svc, flow_hash);
	return by_policy(w, cfg, svc, p, flow_hash);
}

uint32_t sched_pick_by_tuple(const struct service *svc, const struct addr *client, uint32_t flow_hash)
{
	if (svc->n_serving == 0)
		return NO_BACKEND;
	if (svc->sched == GFWD_SCHED_SOURCE_HASH ||
	    (svc->sched == GFWD_SCHED_MAGLEV && svc->affinity_timeout_s != 0))
		return maglev_at(svc, client_hash(client));
	if (svc->sched == GFWD_SCHED_MAGLEV)
		return maglev_at(svc, flow_hash);
	return NO_BACKEND;
}
