/* SPDX-License-Identifier: Apache-2.0
 * Neighbour table (ARP; NDP later): next-hop address → MAC.
 *
 * Entries are created by the control side (for every backend's next hop, on commit) and, rarely,
 * by a worker (a NAT client's next hop when a backend's reply makes its flow: pipeline.c), under
 * the creators' lock, and never deleted, so an index stays valid forever and workers read without locks.
 * Workers update an entry's MAC from ARP traffic with one atomic 64-bit store; the
 * housekeeping thread asks for unresolved and ageing entries. */
#ifndef GFWD_NEIGH_H
#define GFWD_NEIGH_H

#include <stdint.h>
#include <stdbool.h>
#include <rte_ether.h>
#include <rte_spinlock.h>
#include "addr.h"
#include "tunables.h"

#define NEIGH_NONE UINT16_MAX
#define NEIGH_VALID (1ULL << 63)

struct neigh {
	struct addr ip;
	uint8_t family;
	uint64_t mac;            /* NEIGH_VALID | 48-bit MAC; 0 = unresolved */
	uint64_t seen_tsc;       /* last ARP heard from it */
	uint64_t asked_tsc;      /* last request sent */
	uint16_t port;           /* port it is reached through */
	uint8_t used;
	uint8_t is_static;       /* never asked for, never ages */
};

struct neigh_table {
	struct neigh e[NEIGH_MAX];
	uint32_t n_used;
	rte_spinlock_t lock;     /* serialises creators; readers never take it */
};

/* Index of ip's entry, or NEIGH_NONE. */
uint16_t neigh_find(const struct neigh_table *t, uint8_t family, const struct addr *ip);
/* Index of ip's entry, created if absent; NEIGH_NONE when the table is full. */
uint16_t neigh_ensure(struct neigh_table *t, uint8_t family, const struct addr *ip, uint16_t port);
/* Records that ip is at mac, if ip has an entry (we never learn strangers). */
void neigh_learn(struct neigh_table *t, uint8_t family, const struct addr *ip,
		 const struct rte_ether_addr *mac, uint64_t now_tsc);
/* Sets ip's MAC for good (refreshed forever); creates the entry if needed. */
int neigh_set_static(struct neigh_table *t, uint8_t family, const struct addr *ip, uint16_t port,
		     const struct rte_ether_addr *mac);

/* The entry's word: NEIGH_VALID and the MAC in bytes 0-5 (x86: little endian), or 0. */
static inline uint64_t neigh_word(const struct neigh_table *t, uint16_t idx)
{
	return __atomic_load_n(&t->e[idx].mac, __ATOMIC_RELAXED);
}

static inline bool neigh_mac(const struct neigh_table *t, uint16_t idx, struct rte_ether_addr *mac)
{
	uint64_t v = __atomic_load_n(&t->e[idx].mac, __ATOMIC_RELAXED);
	if (!(v & NEIGH_VALID))
		return false;
	memcpy(mac->addr_bytes, &v, RTE_ETHER_ADDR_LEN);   /* byte i sits in bits 8i (x86: little endian) */
	return true;
}

#endif
