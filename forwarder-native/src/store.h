/* SPDX-License-Identifier: Apache-2.0
 * The services and backends that consecutive configurations share (issue 15), so that a commit
 * of a few changed services costs those services, not every one that runs.
 *
 * A store holds service entries and backend entries in arrays with room to spare, and the two
 * hashes that find them (VIP, port, protocol → service entry; VIP → a service entry of that
 * VIP). An entry is written once, beyond every entry a running configuration can reach, and
 * never rewritten: a changed service is a new entry (with its own backends, appended too) that
 * takes the old one's place in the hash; a removed one leaves the hash. The old entry stays
 * readable, for workers still running the configuration before, until the store is replaced,
 * and its backends are marked `retired` first, so a flow's hint into them no longer passes
 * flow_backend_in()'s check and the flow finds its backend by lookup instead.
 *
 * A hash slot changes by one aligned 32-bit store, so a worker probing at the same moment sees
 * the old entry or the new one, and never misses a key that runs: a removed key's slot becomes
 * a tombstone (probed past, never ending a probe). Every slot filled or tombstoned is one
 * entry appended, and the hashes have twice the entries' room: they never fill. When a commit
 * does not fit the room left, the running entries are copied into a fresh store (room for half
 * as many again), published with the configuration, and the old store is freed with the old
 * configuration: amortised, each change copies O(1) entries.
 *
 * Control side only, but for the workers' reads of entries and hash slots. */
#ifndef GFWD_STORE_H
#define GFWD_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include "addr.h"
#include "hash.h"
#include "natindex.h"

struct service;
struct backend;
struct sched_tables;

#define SLOT_EMPTY (-1)
#define SLOT_GONE (-2)        /* a tombstone: probe on */

struct store {
	uint32_t refs;            /* configurations holding it */
	/* Every store made has its own (1, 2, ...: never 0, never again): as entries are never
	 * rewritten, a backend index checked in a store names the same backend in it for as long
	 * as it lives, unless retired (an IPv4 flow's hint: struct flow_v4). */
	uint32_t serial;
	uint32_t svc_cap, be_cap; /* entries there is room for */
	uint32_t svc_end, be_end; /* entries written and published */
	struct service *services;
	struct backend *backends;
	struct sched_tables **tables;   /* per service entry; NULL once let go */
	uint8_t *gone;                  /* per service entry: no longer runs */
	uint32_t svc_mask;
	int32_t *svc_slots;             /* open addressing over (vip, port, proto) */
	uint32_t vip_mask;
	int32_t *vip_slots;             /* open addressing over VIPs */
	uint32_t *vip_users;            /* per VIP slot: services running with that VIP */
	struct nat_index nat;           /* the NAT return path's (built with the services) */
	uint64_t bytes;                 /* what it allocated */
};

static inline uint32_t svc_hash(const struct addr *vip, uint16_t port, uint8_t proto)
{
	return crc_u32((uint32_t)port << 8 | proto, crc_words(vip->b, 16, 0));
}

static inline uint32_t vip_hash(const struct addr *vip)
{
	return crc_words(vip->b, 16, 0x5f3759df);
}

/* A store with room for svc_cap services and be_cap backends, one reference; NULL. */
struct store *store_alloc(uint32_t svc_cap, uint32_t be_cap);
/* One holder fewer; the last frees it and lets go of every table still held. */
void store_release(struct store *st);

/* Service entry k (written) into both hashes: its key must not run. */
void store_insert(struct store *st, uint32_t k);
/* Service entry k takes the place of entry old in the key hash (the same key and VIP). */
void store_replace(struct store *st, uint32_t old, uint32_t k);
/* Service entry k out of both hashes (its VIP's slot when it was the VIP's last service). */
void store_remove(struct store *st, uint32_t k);

#endif
