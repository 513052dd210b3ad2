/* SPDX-License-Identifier: Apache-2.0
 * The NAT return path's index: for a backend (family, protocol, address, port), the NAT-mode
 * services that have it. A reply whose forward flow went through another forwarder finds its
 * service(s) here (config_nat_services).
 *
 * Open addressing over the key; each slot holds the key's run, an immutable array of the
 * services' entries, or nothing, or a tombstone. A change of NAT services (delta.c) builds the
 * runs of the keys it touches afresh and swaps each into its slot with one aligned store, so a
 * worker sees a key's old run or its new one; a replaced run is freed after the grace period.
 * Every slot taken is one backend entry appended to the store that owns the index, and the
 * index has room for twice as many: it never fills (store.h). */
#ifndef GFWD_NATINDEX_H
#define GFWD_NATINDEX_H

#include <stdint.h>
#include "addr.h"

/* One NAT-mode service that has a backend (address, port), as a reply from it shows them. */
struct nat_return {
	struct addr addr;
	uint16_t port;           /* network order */
	uint8_t proto;
	uint8_t family;
	uint32_t service;        /* service entry (config.services) */
};

struct nat_run {
	uint32_t n;
	struct nat_return e[];   /* one key; by service entry */
};

struct nat_index {
	uint32_t mask;
	uint32_t cap;            /* keys it takes (slots / 2) */
	uint32_t used;           /* slots ever taken: keys and tombstones */
	struct nat_run **slots;
};

/* An index with room for cap keys; -ENOMEM. */
int nat_index_init(struct nat_index *x, uint32_t cap);
/* Frees the index and every run in it. */
void nat_index_free(struct nat_index *x);
/* The run of key (its family, proto, addr, port), or NULL. Workers: any time. */
const struct nat_run *nat_index_find(const struct nat_index *x, const struct nat_return *key);
/* Key's run from now on (NULL: none); returns the run it replaced, for the caller to free once
 * no worker can read it. Control side. */
struct nat_run *nat_index_set(struct nat_index *x, const struct nat_return *key, struct nat_run *run);

/* Whether a and b have the same key (family, proto, addr, port). */
int nat_same_key(const struct nat_return *a, const struct nat_return *b);
/* Orders by (family, proto, addr, port, service): a key's entries are consecutive. */
int nat_return_cmp(const void *a, const void *b);

#endif
