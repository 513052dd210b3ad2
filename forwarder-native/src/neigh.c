/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_hash_crc.h>
#include "neigh.h"

#define NEIGH_MASK (NEIGH_MAX - 1)
_Static_assert((NEIGH_MAX & NEIGH_MASK) == 0, "NEIGH_MAX must be a power of two");
_Static_assert(NEIGH_MAX < NEIGH_NONE, "neighbour indexes must fit 16 bits");

static inline uint32_t slot_of(const struct addr *ip)
{
	return rte_hash_crc(ip->b, 16, 0) & NEIGH_MASK;
}

uint16_t neigh_find(const struct neigh_table *t, const struct addr *ip)
{
	for (uint32_t i = 0, s = slot_of(ip); i < NEIGH_MAX; i++, s = (s + 1) & NEIGH_MASK) {
		if (!__atomic_load_n(&t->e[s].used, __ATOMIC_ACQUIRE))
			return NEIGH_NONE;
		if (addr_eq(&t->e[s].ip, ip))
			return (uint16_t)s;
	}
	return NEIGH_NONE;
}

uint16_t neigh_ensure(struct neigh_table *t, const struct addr *ip, uint16_t port)
{
	uint16_t idx = neigh_find(t, ip);
	if (idx != NEIGH_NONE)
		return idx;
	rte_spinlock_lock(&t->lock);
	idx = NEIGH_NONE;
	/* Keep the table at most 3/4 full so probing stays short. */
	if (t->n_used < NEIGH_MAX / 4 * 3) {
		uint32_t s = slot_of(ip);
		while (t->e[s].used && !addr_eq(&t->e[s].ip, ip))
			s = (s + 1) & NEIGH_MASK;
		if (!t->e[s].used) {
			t->e[s].ip = *ip;
			t->e[s].port = port;
			t->e[s].mac = 0;
			t->e[s].asked_tsc = 0;
			t->e[s].seen_tsc = 0;
			__atomic_store_n(&t->e[s].used, 1, __ATOMIC_RELEASE);
			t->n_used++;
		}
		idx = (uint16_t)s;
	}
	rte_spinlock_unlock(&t->lock);
	return idx;
}

void neigh_learn(struct neigh_table *t, const struct addr *ip, const struct rte_ether_addr *mac,
		 uint64_t now_tsc)
{
	uint16_t idx = neigh_find(t, ip);
	if (idx == NEIGH_NONE)
		return;
	uint64_t v = NEIGH_VALID;
	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v |= (uint64_t)mac->addr_bytes[i] << (8 * i);
	__atomic_store_n(&t->e[idx].mac, v, __ATOMIC_RELAXED);
	__atomic_store_n(&t->e[idx].seen_tsc, now_tsc, __ATOMIC_RELAXED);
}
