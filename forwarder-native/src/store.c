/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <rte_common.h>
#include "service.h"
#include "store.h"
#include "tables.h"

struct store *store_alloc(uint32_t svc_cap, uint32_t be_cap)
{
	static uint32_t serials;
	struct store *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return NULL;
	st->refs = 1;
	st->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	st->svc_cap = svc_cap ? svc_cap : 1;
	st->be_cap = be_cap ? be_cap : 1;
	uint32_t slots = rte_align32pow2(2 * st->svc_cap);
	st->svc_mask = st->vip_mask = slots - 1;
	/* Not zeroed: an entry is read only once written. */
	st->services = malloc(sizeof(struct service) * st->svc_cap);
	st->backends = malloc(sizeof(struct backend) * st->be_cap);
	st->tables = malloc(sizeof(*st->tables) * st->svc_cap);
	st->gone = malloc(st->svc_cap);
	st->svc_slots = malloc(sizeof(int32_t) * slots);
	st->vip_slots = malloc(sizeof(int32_t) * slots);
	st->vip_users = malloc(sizeof(uint32_t) * slots);
	st->bytes = sizeof(*st) + (sizeof(struct service) + sizeof(*st->tables) + 1) * (uint64_t)st->svc_cap +
		    sizeof(struct backend) * (uint64_t)st->be_cap + 3 * sizeof(int32_t) * (uint64_t)slots;
	if (st->services == NULL || st->backends == NULL || st->tables == NULL || st->gone == NULL ||
	    st->svc_slots == NULL || st->vip_slots == NULL || st->vip_users == NULL) {
		store_release(st);
		return NULL;
	}
	memset(st->svc_slots, 0xff, sizeof(int32_t) * slots);
	memset(st->vip_slots, 0xff, sizeof(int32_t) * slots);
	return st;
}

void store_release(struct store *st)
{
	if (st == NULL || --st->refs > 0)
		return;
	for (uint32_t i = 0; st->tables != NULL && i < st->svc_end; i++)
		tables_release(st->tables[i]);
	free(st->services);
	free(st->backends);
	free(st->tables);
	free(st->gone);
	free(st->svc_slots);
	free(st->vip_slots);
	free(st->vip_users);
	nat_index_free(&st->nat);
	free(st);
}

/* Workers may be probing: a slot changes in one store, after the entry it names is written. */
static void set_slot(int32_t *slot, int32_t v)
{
	__atomic_store_n(slot, v, __ATOMIC_RELEASE);
}

/* The slot of VIP's entry, or where it would go (the first tombstone or empty slot probed). */
static uint32_t vip_slot(const struct store *st, const struct addr *vip, bool *found)
{
	uint32_t h = vip_hash(vip) & st->vip_mask, free_at = UINT32_MAX;
	for (int32_t i; (i = st->vip_slots[h]) != SLOT_EMPTY; h = (h + 1) & st->vip_mask) {
		if (i == SLOT_GONE) {
			if (free_at == UINT32_MAX)
				free_at = h;
		} else if (addr_eq(&st->services[i].vip, vip)) {
			*found = true;
			return h;
		}
	}
	*found = false;
	return free_at != UINT32_MAX ? free_at : h;
}

void store_insert(struct store *st, uint32_t k)
{
	const struct service *s = &st->services[k];
	uint32_t h = svc_hash(&s->vip, s->port, s->proto) & st->svc_mask;
	while (st->svc_slots[h] >= 0)   /* the key does not run: a tombstone will do */
		h = (h + 1) & st->svc_mask;
	set_slot(&st->svc_slots[h], (int32_t)k);
	bool found;
	uint32_t v = vip_slot(st, &s->vip, &found);
	if (found) {
		st->vip_users[v]++;
	} else {
		st->vip_users[v] = 1;
		set_slot(&st->vip_slots[v], (int32_t)k);
	}
}

/* The key hash's slot naming entry k. */
static uint32_t key_slot(const struct store *st, uint32_t k)
{
	const struct service *s = &st->services[k];
	uint32_t h = svc_hash(&s->vip, s->port, s->proto) & st->svc_mask;
	while (st->svc_slots[h] != (int32_t)k)
		h = (h + 1) & st->svc_mask;
	return h;
}

void store_replace(struct store *st, uint32_t old, uint32_t k)
{
	set_slot(&st->svc_slots[key_slot(st, old)], (int32_t)k);
}

void store_remove(struct store *st, uint32_t k)
{
	set_slot(&st->svc_slots[key_slot(st, k)], SLOT_GONE);
	bool found;
	uint32_t v = vip_slot(st, &st->services[k].vip, &found);
	if (found && --st->vip_users[v] == 0)
		set_slot(&st->vip_slots[v], SLOT_GONE);
}
