/* SPDX-License-Identifier: Apache-2.0
 * Traffic counters of services and backends in slots that outlive configurations (issue 15).
 *
 * A slot is named by an id, and a service or backend keeps its id from one configuration to
 * the next for as long as it runs: the same service (VIP, port, protocol) and, within it, the
 * same backend (address, port), however else they changed. Workers count into
 * live[worker][id] of the configuration they run; a commit hands the new configuration the ids
 * of what it keeps, so every count stays where it is. Nothing is copied, summed or carried on a
 * commit, and nothing can be counted twice or lost in between: the old and the new
 * configuration count into the same memory. Only new services and backends take ids (zeroed);
 * an id a commit drops is given back once no worker can still run the configuration that held
 * it (after the RCU grace period), and may then be taken again.
 *
 * Workers count into backends' slots only: a service's traffic is what its backends counted
 * plus what its own slot holds, which is what backends that left it had counted (folded into
 * its base when their slots are given back) and the ends of their flows after they left. So a
 * packet costs one slot's increments, and a service's counts never go back when a backend
 * leaves.
 *
 * Each worker's counters are one array indexed by id, reserved as address space for every id
 * there can be (two configurations' worth) and made usable as ids are first taken, so the array
 * never moves while workers write it. Control side only, except that workers write their own
 * live[w] entries through the pointers configurations hold. */
#ifndef GFWD_TRAFFIC_H
#define GFWD_TRAFFIC_H

#include <stdint.h>
#include "passive.h"
#include "tunables.h"

/* Traffic of one service or backend as seen by one worker. Both directions count. `active`
 * goes down when a flow ends. `passive` is counted for backends only (passive.h). */
struct traffic {
	uint64_t packets;
	uint64_t bytes;
	uint64_t new_flows;
	int64_t active;
	struct passive passive;
};

/* Ids alive at once at most: every service and backend of the running configuration and of
 * the one replacing it, and room for a configuration built and never run (tests compare with
 * one). */
#define TRAFFIC_MAX_IDS (2u * (MAX_SERVICES + MAX_BACKENDS) + 65536u)

#define TRAFFIC_NONE UINT32_MAX

/* Per worker: its counters and its round-robin cursors (services' ids only), by id; and,
 * written by the control side only, what departed slots left to an id (traffic_fold). Every
 * array keeps its address for the life of the process. */
extern struct traffic *traffic_live[MAX_WORKERS];
extern uint32_t *traffic_cursor[MAX_WORKERS];
extern struct traffic *traffic_base;

/* Reserves the arrays of workers [0, n) that are not yet; -ENOMEM. */
int traffic_workers(unsigned n);
/* An id whose counters and cursors are zero for every worker reserved; TRAFFIC_NONE when all
 * TRAFFIC_MAX_IDS are taken or memory ran out. The caller makes sure no worker counts into
 * an id before a configuration holding it is published. */
uint32_t traffic_take(void);
/* Gives an id back. Only when no worker can still count into it: never published, or the
 * configurations that held it are past their grace period. */
void traffic_give(uint32_t id);
/* Ids taken and not given back (tests: none leak, none is given back while held). */
uint32_t traffic_in_use(void);
/* Bytes of counter memory made usable so far, over all workers (what growth allocated). */
uint64_t traffic_bytes(void);

/* id's base and workers [0, n) summed. */
struct traffic traffic_sum(uint32_t id, unsigned n_workers);
/* Adds what `from` counted (traffic_sum) to into's base: a departing backend's counts stay its
 * service's. Only once no worker counts into `from`. */
void traffic_fold(uint32_t from, uint32_t into, unsigned n_workers);

#endif
