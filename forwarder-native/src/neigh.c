/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_hash_crc.h>
#include "neigh.h"

#define NEIGH_MASK (NEIGH_MAX - 1)
_Static_assert((NEIGH_MAX & NEIGH_MASK) == 0, "NEIGH_MAX must be a power of two");
_Static_assert(NEIGH_MAX < NEIGH_NONE, "neighbour indexes must fit 16 bits");

static inline uint32_t slot_of(uint8_t family, const struct addr *ip)
{
	return rte_hash_crc(ip->b, 16, family) & NEIGH_MASK;
}

static inline bool same(const struct neigh *n, uint8_t family, const struct addr *ip)
{
	return n->family == family && addr_eq(&n->ip, ip);
}

uint16_t neigh_find(const struct neigh_table *t, uint8_t family, const struct addr *ip)
{
	for (uint32_t i = 0, s = slot_of(family, ip); i < NEIGH_MAX; i++, s = (s + 1) & NEIGH_MASK) {
		if (!__atomic_load_n(&t->e[s].used, __ATOMIC_ACQUIRE))
			return NEIGH_NONE;
		if (same(&t->e[s], family, ip))
			return (uint16_t)s;
	}
	return NEIGH_NONE;
}

uint16_t neigh_ensure(struct neigh_table *t, uint8_t family, const struct addr *ip, uint16_t port)
{
	uint16_t idx = neigh_find(t, family, ip);
	if (idx != NEIGH_NONE)
		return idx;
	rte_spinlock_lock(&t->lock);
	idx = NEIGH_NONE;
	/* Keep the table at most 3/4 full so probing stays short. */
	if (t->n_used < NEIGH_MAX / 4 * 3) {
		uint32_t s = slot_of(family, ip);
		while (t->e[s].used && !same(&t->e[s], family, ip))
			s = (s + 1) & NEIGH_MASK;
		if (!t->e[s].used) {
			t->e[s].ip = *ip;
			t->e[s].family = family;
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

static uint64_t mac_word(const struct rte_ether_addr *mac)
{
	uint64_t v = NEIGH_VALID;
	for (int i = 0; i < RTE_ETHER_ADDR_LEN; i++)
		v |= (uint64_t)mac->addr_bytes[i] << (8 * i);
	return v;
}

void neigh_learn(struct neigh_table *t, uint8_t family, const struct addr *ip,
		 const struct rte_ether_addr *mac, uint64_t now_tsc)
{
	uint16_t idx = neigh_find(t, family, ip);
	if (idx == NEIGH_NONE || t->e[idx].is_static)
		return;
	__atomic_store_n(&t->e[idx].mac, mac_word(mac), __ATOMIC_RELAXED);
	__atomic_store_n(&t->e[idx].seen_tsc, now_tsc, __ATOMIC_RELAXED);
}

int neigh_set_static(struct neigh_table *t, uint8_t family, const struct addr *ip, uint16_t port,
		     const struct rte_ether_addr *mac)
{
	uint16_t idx = neigh_ensure(t, family, ip, port);
	if (idx == NEIGH_NONE)
		return -1;
	t->e[idx].is_static = 1;
	__atomic_store_n(&t->e[idx].mac, mac_word(mac), __ATOMIC_RELAXED);
	return 0;
}
