/* SPDX-License-Identifier: Apache-2.0
 * One configuration, as one commit built it: services, their backends and Maglev tables, built off
 * the fast path and read-only once published. The traffic counters workers write are not the
 * configuration's own: each service and backend names its slot in traffic.h, which it keeps
 * from one configuration to the next. */
#ifndef GFWD_CONFIG_H
#define GFWD_CONFIG_H

#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <rte_common.h>
#include "addr.h"
#include "gatunfwd.h"
#include "passive.h"
#include "service.h"
#include "store.h"
#include "traffic.h"

struct sched_tables;

/* A slot a config no longer holds, and the slot of the service whose counts it stays part of
 * (TRAFFIC_NONE: the service left too). */
struct dropped_counter {
	uint32_t id;
	uint32_t into;
};

struct config {
	uint64_t seq;            /* the commit's sequence number, as gfwd_commit() got it */
	/* Its services and backends are entries of a store (store.h) it may share with the
	 * config before and the one after: services[0, svc_end) and backends[0, be_end) are
	 * readable, of which n_services and n_backends run (config_runs()); the rest are
	 * services that changed or left, kept for workers still on an older config. The
	 * pointers below are the store's, copied here for the fast path. */
	struct store *st;
	uint32_t n_services;
	uint32_t n_backends;
	uint32_t svc_end;
	uint32_t be_end;
	uint32_t st_serial;      /* st->serial */
	struct service *services;
	struct backend *backends;
	uint32_t svc_mask;          /* open addressing over (vip, port, proto); SLOT_GONE skipped */
	int32_t *svc_slots;
	uint32_t vip_mask;          /* open addressing over VIPs (ARP, ICMP) */
	int32_t *vip_slots;
	/* Counters (traffic.h): live[w][id] is worker w's for the service or backend whose
	 * counter is id, cursor[w][id] its round-robin position (services only). The same arrays
	 * for every configuration. */
	unsigned n_workers;
	struct traffic **live;
	uint32_t **cursor;
	/* Slots this config took (given back by config_free unless it was published), and the
	 * slots of the config it was built over that it does not hold (given back by
	 * config_give_dropped once that config is gone). */
	bool published;
	uint32_t n_fresh, fresh_cap;
	uint32_t *fresh;
	uint32_t n_dropped, dropped_cap;
	struct dropped_counter *dropped;
	/* Service entries of the config it replaced that leave with it: their tables are let go
	 * by config_give_dropped too. */
	uint32_t n_retired;
	uint32_t *retired;
	/* Each service entry's scheduling tables (services[i].maglev and .wrr point into them),
	 * the store's: an entry holds a reference; an unchanged service's entry is the same. */
	struct sched_tables **tables;
	/* What building this config cost (gfwd_commit_stats): tables built and their bytes,
	 * tables taken over, and the bytes of the config's own arrays. */
	uint32_t tables_built;
	uint32_t tables_reused;
	uint64_t table_bytes_built;
	uint64_t own_bytes;
	uint64_t table_bytes;       /* of every table it holds */
	/* The NAT return index's runs this config replaced (natindex.h), freed by
	 * config_give_dropped with the rest. */
	uint32_t n_dropped_runs;
	struct nat_run **dropped_runs;
};

/* Whether service entry i (< c->svc_end) runs in c. Control side: entries leave when the
 * config after c is built. */
static inline bool config_runs(const struct config *c, uint32_t i)
{
	return !c->st->gone[i];
}

/* Resolves a backend address to its next hop's neighbour entry; returns NEIGH_NONE if
 * no port reaches it. Supplied by the caller so config stays free of port state. */
typedef uint16_t (*next_hop_fn)(const struct addr *dst, uint8_t family);
/* Maps a VIP to its stable id; returns <0 when the id space is exhausted. */
typedef int (*vip_id_fn)(const struct addr *vip);

/* A configuration of every service that can run; the others are refused one by one (the
 * first refusals_cap written to refusals, *n_refused counting them all). NULL, with err,
 * only for what concerns the whole call (too many services, out of memory). */
struct config *config_build(uint64_t seq,
			    const struct gfwd_service *services, uint32_t n_services,
			    const struct gfwd_backend *backends, uint32_t n_backends,
			    unsigned n_workers, next_hop_fn next_hop, vip_id_fn vip_id,
			    struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
			    char *err, size_t err_len);
/* The same, taking over old's scheduling tables for every service whose table size and
 * serving backends are unchanged (old stays valid and untouched; NULL: build every table). */
struct config *config_build_over(const struct config *old, uint64_t seq,
				 const struct gfwd_service *services, uint32_t n_services,
				 const struct gfwd_backend *backends, uint32_t n_backends,
				 unsigned n_workers, next_hop_fn next_hop, vip_id_fn vip_id,
				 struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
				 char *err, size_t err_len);
/* Frees c and lets go of its tables (freed with the last config holding them) and, unless
 * it was published, of the counter slots it took. */
void config_free(struct config *c);
/* Once the config c was built over is freed (no worker can read it any more): gives back the
 * counter slots c dropped, so later commits may take them again, and lets go of the tables of
 * the service entries c retired. */
void config_give_dropped(struct config *c);

const struct service *config_find_service(const struct config *c, const struct addr *vip,
					  uint16_t port_be, uint8_t proto);
bool config_has_vip(const struct config *c, const struct addr *vip);
/* Index of the service's backend with that address and port, serving or draining, or -1. */
int64_t config_find_backend(const struct config *c, const struct service *s,
			    const struct addr *addr, uint16_t port_be);
/* The same among the serving backends only (those new flows may go to), or -1. */
int64_t config_find_serving_backend(const struct config *c, const struct service *s,
				    const struct addr *addr, uint16_t port_be);

/* Worker's counters of backend b of c: every packet, flow and passive-health count goes here. */
static inline struct traffic *traffic_of(const struct config *c, unsigned worker, const struct backend *b)
{
	return &c->live[worker][b->counter];
}

static inline struct traffic *traffic_backend(const struct config *c, unsigned worker, uint32_t backend)
{
	return traffic_of(c, worker, &c->backends[backend]);
}

/* Worker's counters of service svc's own slot: only flows that end after their backend left
 * the service count here (active goes down); the rest of its traffic is its backends'. */
static inline struct traffic *traffic_service(const struct config *c, unsigned worker, uint32_t svc)
{
	return &c->live[worker][c->services[svc].counter];
}

/* The backend a flow uses in config c, or NULL if c no longer has it. The flow's
 * backend_idx hint is checked against the entry's identity (its address and port, and its
 * own service's VIP, port and protocol) and refreshed by a lookup when c moved it. The
 * service is the backend's (b->service). */
static inline const struct backend *flow_backend_in(const struct config *c, uint32_t *backend_idx,
						    uint16_t vip_id, const struct addr *vip, uint16_t vport,
						    uint8_t proto, const struct addr *addr, uint16_t port)
{
	if (likely(*backend_idx < c->be_end)) {
		const struct backend *b = &c->backends[*backend_idx];
		if (likely(b->port == port && !b->retired && addr_eq(&b->addr, addr))) {
			const struct service *s = &c->services[b->service];
			if (likely(s->vip_id == vip_id && s->port == vport && s->proto == proto))
				return b;
		}
	}
	const struct service *s = config_find_service(c, vip, vport, proto);
	int64_t bi = s == NULL ? -1 : config_find_backend(c, s, addr, port);
	if (bi < 0)
		return NULL;
	*backend_idx = (uint32_t)bi;
	return &c->backends[bi];
}

/* The NAT-mode services that have a backend at (addr, port) for proto: *first is the first of
 * them (natindex.h), the return value how many follow it (0: none). */
uint32_t config_nat_services(const struct config *c, uint8_t family, uint8_t proto, const struct addr *addr,
			     uint16_t port_be, const struct nat_return **first);

/* Every worker's counts of backend i of c. */
static inline struct traffic config_backend_traffic(const struct config *c, uint32_t i)
{
	return traffic_sum(c->backends[i].counter, c->n_workers);
}

/* Every worker's counts of service i of c: its own slot and its backends'. */
struct traffic config_service_traffic(const struct config *c, uint32_t i);

/* ---------------------------------------------------------------- building (config.c, delta.c)
 * What building a configuration takes, shared by whole commits (config.c) and delta commits
 * (delta.c, which defines config_build_delta); defined in config.c. */

/* An address as the API gives it (4 or 16 bytes), zero-padded. */
static inline struct addr addr_from(const uint8_t bytes[16], uint8_t family)
{
	struct addr a = { .q = { 0, 0 } };
	memcpy(a.b, bytes, family == GFWD_AF_INET ? 4 : 16);
	return a;
}

/* A set of service entries (those a delta takes out), in the order added. */
struct leaving {
	uint32_t n;
	uint32_t *list;
	uint32_t mask;
	uint32_t *slots;   /* (position in list + 1), by entry; 0: free */
	uint64_t bytes;
};

static inline int leaving_init(struct leaving *l, uint32_t max)
{
	l->n = 0;
	l->mask = rte_align32pow2(2 * max + 2) - 1;
	l->list = malloc(sizeof(uint32_t) * (max ? max : 1));
	l->slots = calloc(l->mask + 1, sizeof(uint32_t));
	l->bytes = sizeof(uint32_t) * ((uint64_t)(max ? max : 1) + l->mask + 1);
	if (l->list == NULL || l->slots == NULL) {
		free(l->list);
		free(l->slots);
		return -ENOMEM;
	}
	return 0;
}

static inline void leaving_free(struct leaving *l)
{
	free(l->list);
	free(l->slots);
}

/* Where entry e is in l->list, or UINT32_MAX. */
static inline uint32_t leaving_index(const struct leaving *l, uint32_t e)
{
	for (uint32_t h = (e * 2654435761u) & l->mask; l->slots[h] != 0; h = (h + 1) & l->mask)
		if (l->list[l->slots[h] - 1] == e)
			return l->slots[h] - 1;
	return UINT32_MAX;
}

static inline bool leaving_has(const struct leaving *l, uint32_t e)
{
	return leaving_index(l, e) != UINT32_MAX;
}

static inline void leaving_add(struct leaving *l, uint32_t e)
{
	uint32_t h = (e * 2654435761u) & l->mask;
	for (; l->slots[h] != 0; h = (h + 1) & l->mask)
		if (l->list[l->slots[h] - 1] == e)
			return;
	l->list[l->n++] = e;
	l->slots[h] = l->n;
}

/* Whether service entry i runs in c, built over the config whose entries `leaving` leave. */
static inline bool build_runs(const struct config *c, const struct leaving *leaving, uint32_t i)
{
	return !c->st->gone[i] && (leaving == NULL || !leaving_has(leaving, i));
}

/* Upserts of one delta added so far, by key: a second upsert of an id is refused. */
struct staged {
	uint32_t mask;
	int32_t *slots;   /* service entries */
};

/* An empty config over store st (whose reference it takes), its entries those written so far,
 * counting into the counter slots of n_workers workers; NULL (st released). */
struct config *build_config_new(uint64_t seq, struct store *st, unsigned n_workers);
/* A config over a store of its own, with room for n_services and `room` backends and half as
 * many again for the commits after it. */
struct config *build_config_fresh(uint64_t seq, uint32_t n_services, uint64_t room, unsigned n_workers);
/* Validates and builds `in` (index i of the caller's array) as c's next service entry, or
 * refuses it on its own. Into c's hashes at once, or, with `staged`, only into that (the
 * hashes are shared with the running config old, whose entries `leaving` leave: delta.c
 * changes them once the whole commit is built). -ENOMEM only: that concerns the whole commit. */
int build_add_service(struct config *c, const struct config *old, uint32_t i, const struct gfwd_service *in,
		      const struct gfwd_backend *backends, uint32_t n_backends, next_hop_fn next_hop,
		      vip_id_fn vip_id, struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
		      struct staged *staged, const struct leaving *leaving);
/* Room for the backends of every service whose backend range is inside the array. */
uint64_t build_backend_room(const struct gfwd_service *services, uint32_t n_services, uint32_t n_backends);
/* A config over a store of its own, its services in: drops the slots of old's services that
 * leave (those in `leaving`, or every one when NULL), and builds the NAT index; -ENOMEM. */
int build_finish(struct config *c, const struct config *old, const struct leaving *leaving);
/* The NAT return index of c's own store, of every NAT service that runs in c; -ENOMEM. */
int build_nat_index(struct config *c);
/* Old's service o left or changed in c, where n is the service of its id (NULL: none): the
 * counter slots of what c no longer has go on c's dropped list; -ENOMEM. */
int build_drop_counters(struct config *c, const struct config *old, const struct service *o,
			const struct service *n);

#endif
