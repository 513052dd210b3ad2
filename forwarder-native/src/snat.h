/* SPDX-License-Identifier: Apache-2.0
 * Full NAT source ports, without asking the flow table.
 *
 * A full-NAT flow's answer comes back as (backend, backend port) → (SNAT address, SNAT
 * port): two live flows must never share that tuple. A worker owns a share of the port
 * range (worker.c) and, for each (SNAT address, backend, backend port, protocol) it has
 * live flows to, a pool: a bitmap of that share, one bit per port (1: taken). Choosing a
 * port is a scan of the pool's bitmap from the worker's cursor, which moves on after every
 * allocation — the same order the ports were tried in when each candidate was a flow-table
 * lookup, so a released port is reused as late as before (the backend may still hold the
 * old connection in TIME_WAIT) — and usually the first bit looked at is free. The flow's
 * end releases the bit.
 *
 * Memory is a budget allocated with the worker (nothing is allocated on the fast path):
 * SNAT_BITMAP_BYTES of bitmaps of the share's size (8 KB with one worker, so 1,040 of them;
 * 1 KB with eight workers, 8,322 each) — 8 MB, chosen so that a worker's flow state with the
 * default million flows (48 MB of flows, 14 MB of index, 1.5 MB of backend addresses, these) stays
 * under the 96 MB a million flows once took. A bitmap belongs to a pool only while the pool has
 * live ports; an emptied pool's bitmap (all free again) goes back to a spare list. Pools
 * are found by an open-addressing table of SNAT_POOLS entries; one with no live port is
 * taken over by another key when needed. A new flow that finds no pool entry on its key's
 * chain, or no spare bitmap (more (SNAT address, backend) pairs with live flows on one
 * worker than the budget holds), is dropped as SNAT-exhausted, counted like an exhausted
 * port range. */
#ifndef GFWD_SNAT_H
#define GFWD_SNAT_H

#include <stdint.h>
#include <stdbool.h>
#include "addr.h"

/* Whose ports a pool holds: everything of the answer's tuple except our port. */
struct snat_key {
	struct addr backend;
	uint16_t backend_port;    /* network order */
	uint8_t proto;
	uint8_t family;
	uint8_t snat_id;          /* port index: which SNAT address */
	uint8_t zero[3];
};

struct snat_pool {
	struct snat_key key;
	uint64_t *bits;           /* the share, 1 = taken; NULL while no port is */
	uint32_t live;            /* ports taken */
	bool used;                /* the key is set (the entry is on its probe chains) */
};

struct snat_ports {
	uint16_t first;           /* the worker's share, host order */
	uint16_t last;
	uint32_t n_ports;
	uint32_t n_words;         /* of a bitmap */
	uint32_t next;            /* the offset the next search starts at */
	int socket;
	uint32_t mask;            /* SNAT_POOLS - 1 */
	struct snat_pool *pools;
	uint64_t *arena;          /* n_bitmaps bitmaps of n_words, allocated with the worker */
	uint32_t n_bitmaps;
	uint64_t *spare;          /* the free ones, linked through their first word */
};

int snat_ports_init(struct snat_ports *sp, uint16_t first, uint16_t last, int socket);
void snat_ports_free(struct snat_ports *sp);
/* A free port for key (network order), marked taken; 0 when the share or the pool table
 * is exhausted. */
uint16_t snat_port_take(struct snat_ports *sp, const struct snat_key *key);
/* Marks a given port (network order) taken, for a flow whose port was chosen elsewhere
 * (restored, or carried from another forwarder); false if it is outside the share or
 * no pool could hold it. Taking a port already taken is a no-op that returns true. */
bool snat_port_claim(struct snat_ports *sp, const struct snat_key *key, uint16_t port);
/* The flow using port (network order) for key ended. Ports never taken are ignored. */
void snat_port_release(struct snat_ports *sp, const struct snat_key *key, uint16_t port);
/* Ports of key taken now (tests, diagnostics). */
uint32_t snat_ports_live(const struct snat_ports *sp, const struct snat_key *key);

#endif
