/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include "hash.h"
#include "natindex.h"

#define RUN_GONE ((struct nat_run *)1)   /* a tombstone: probe on */

static uint32_t key_hash(const struct nat_return *k)
{
	return crc_u32((uint32_t)k->port << 16 | (uint32_t)k->proto << 8 | k->family, crc_words(k->addr.b, 16, 0x2545f491));
}

int nat_same_key(const struct nat_return *a, const struct nat_return *b)
{
	return a->family == b->family && a->proto == b->proto && a->port == b->port && addr_eq(&a->addr, &b->addr);
}

int nat_return_cmp(const void *a, const void *b)
{
	const struct nat_return *x = a, *y = b;
	if (x->family != y->family)
		return (int)x->family - (int)y->family;
	if (x->proto != y->proto)
		return (int)x->proto - (int)y->proto;
	int c = addr_cmp(&x->addr, &y->addr);
	if (c != 0)
		return c;
	if (x->port != y->port)
		return (int)rte_be_to_cpu_16(x->port) - (int)rte_be_to_cpu_16(y->port);
	return x->service < y->service ? -1 : x->service > y->service;
}

int nat_index_init(struct nat_index *x, uint32_t cap)
{
	x->cap = cap ? cap : 1;
	x->used = 0;
	x->mask = rte_align32pow2(2 * x->cap) - 1;
	x->slots = calloc(x->mask + 1, sizeof(*x->slots));
	return x->slots == NULL ? -ENOMEM : 0;
}

void nat_index_free(struct nat_index *x)
{
	for (uint32_t h = 0; x->slots != NULL && h <= x->mask; h++)
		if (x->slots[h] != NULL && x->slots[h] != RUN_GONE)
			free(x->slots[h]);
	free(x->slots);
	x->slots = NULL;
}

const struct nat_run *nat_index_find(const struct nat_index *x, const struct nat_return *key)
{
	uint32_t h = key_hash(key) & x->mask;
	for (const struct nat_run *r; (r = __atomic_load_n(&x->slots[h], __ATOMIC_ACQUIRE)) != NULL;
	     h = (h + 1) & x->mask)
		if (r != RUN_GONE && nat_same_key(&r->e[0], key))
			return r;
	return NULL;
}

struct nat_run *nat_index_set(struct nat_index *x, const struct nat_return *key, struct nat_run *run)
{
	uint32_t h = key_hash(key) & x->mask, free_at = UINT32_MAX;
	for (struct nat_run *r; (r = x->slots[h]) != NULL; h = (h + 1) & x->mask) {
		if (r == RUN_GONE) {
			if (free_at == UINT32_MAX)
				free_at = h;
		} else if (nat_same_key(&r->e[0], key)) {
			__atomic_store_n(&x->slots[h], run != NULL ? run : RUN_GONE, __ATOMIC_RELEASE);
			return r;
		}
	}
	if (run == NULL)
		return NULL;
	if (free_at == UINT32_MAX) {   /* an empty slot, taken for good */
		free_at = h;
		x->used++;
	}
	__atomic_store_n(&x->slots[free_at], run, __ATOMIC_RELEASE);
	return NULL;
}
