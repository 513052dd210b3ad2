/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include "flow.h"

static inline uint32_t ref_make(uint32_t idx, enum flow_dir dir)
{
	return ((idx << 1) | dir) + 1;
}

static inline void slot_set(struct flow_bucket *b, int s, uint16_t sig, uint32_t ref)
{
	b->sig[s] = sig;
	b->ref_lo[s] = (uint16_t)ref;
	b->ref_hi[s] = (uint8_t)(ref >> 16);
}

static inline struct flow *flow_of_ref(const struct flow_table *ft, uint32_t ref)
{
	return &ft->flows[(ref - 1) >> 1];
}

struct flow_table *flow_table_create(uint32_t capacity, int socket,
				     const struct addr *vips, const struct addr (*snat_addrs)[MAX_PORTS])
{
	if (capacity == 0 || capacity > FLOW_TABLE_MAX_FLOWS)
		return NULL;   /* a reference holds 24 bits */
	struct flow_table *ft = rte_zmalloc_socket("flow_table", sizeof(*ft), 64, socket);
	if (ft == NULL)
		return NULL;
	/* Two slots per flow, FLOW_INDEX_LOAD_PERCENT of the slots used when every flow is. */
	uint64_t slots = (uint64_t)capacity * 2 * 100 / FLOW_INDEX_LOAD_PERCENT;
	uint32_t buckets = (uint32_t)RTE_MAX((slots + FLOW_BUCKET_SLOTS - 1) / FLOW_BUCKET_SLOTS, (uint64_t)2);
	ft->buckets = rte_zmalloc_socket("flow_buckets", (size_t)buckets * sizeof(struct flow_bucket), 64, socket);
	ft->flows = rte_zmalloc_socket("flows", (size_t)capacity * sizeof(struct flow), 64, socket);
	ft->free_list = rte_malloc_socket("flow_free", (size_t)capacity * sizeof(uint32_t), 64, socket);
	ft->backends.addr = rte_zmalloc_socket("flow_addrs", FLOW_ADDRS * sizeof(struct addr), 64, socket);
	ft->backends.meta = rte_zmalloc_socket("flow_addr_meta", FLOW_ADDRS * sizeof(struct flow_addr_meta), 64, socket);
	if (ft->buckets == NULL || ft->flows == NULL || ft->free_list == NULL || ft->backends.addr == NULL ||
	    ft->backends.meta == NULL) {
		flow_table_free(ft);
		return NULL;
	}
	ft->n_buckets = buckets;
	ft->capacity = capacity;
	for (uint32_t i = 0; i < capacity; i++)
		ft->free_list[i] = capacity - 1 - i;
	ft->n_free = capacity;
	ft->vips = vips;
	ft->snat_addrs = snat_addrs;
	return ft;
}

void flow_table_free(struct flow_table *ft)
{
	if (ft == NULL)
		return;
	rte_free(ft->buckets);
	rte_free(ft->flows);
	rte_free(ft->free_list);
	rte_free(ft->backends.addr);
	rte_free(ft->backends.meta);
	rte_free(ft);
}

_Static_assert(FLOW_ADDRS <= 1u << 16 && (FLOW_ADDRS & (FLOW_ADDRS - 1)) == 0,
	       "a backend address id is 16 bits, and the table a power of two (masked)");

/* Open addressing from the address's hash. An address is placed at the first entry of its
 * chain without flows, so every entry before it was in use then, and has been since (an
 * entry never becomes unused again): a lookup may stop at the first unused one. */
uint32_t flow_addr_take(struct flow_table *ft, const struct addr *a, uint8_t family)
{
	struct flow_addrs *t = &ft->backends;
	uint32_t h = crc_words(a, sizeof(*a), family);
	uint32_t spare = FLOW_ADDR_NONE;
	for (uint32_t i = 0; i < FLOW_ADDR_PROBE; i++) {
		uint32_t id = (h + i) & (FLOW_ADDRS - 1);
		struct flow_addr_meta *m = &t->meta[id];
		if (!m->used) {
			if (spare == FLOW_ADDR_NONE)
				spare = id;
			break;
		}
		if (m->family == family && addr_eq(&t->addr[id], a)) {
			m->refs++;
			return id;
		}
		if (m->refs == 0 && spare == FLOW_ADDR_NONE)
			spare = id;
	}
	if (spare != FLOW_ADDR_NONE) {
		t->addr[spare] = *a;
		t->meta[spare] = (struct flow_addr_meta){ .refs = 1, .family = family, .used = 1 };
	}
	return spare;
}

void flow_addr_put(struct flow_table *ft, uint16_t id)
{
	ft->backends.meta[id].refs--;
}

static inline struct flow_bucket *bucket_of(const struct flow_table *ft, const struct flow_hash *h, int choice)
{
	return &ft->buckets[h->bucket[choice]];
}

static void slot_clear(struct flow_table *ft, const struct flow_hash *h, uint32_t ref)
{
	for (int c = 0; c < 2; c++) {
		struct flow_bucket *b = bucket_of(ft, h, c);
		for (int s = 0; s < FLOW_BUCKET_SLOTS; s++) {
			if (flow_slot_ref(b, s) == ref) {
				slot_set(b, s, 0, 0);
				return;
			}
		}
	}
}

/* Back to the free list, marked free for the sweep. */
static void flow_release(struct flow_table *ft, uint32_t idx)
{
	ft->flows[idx].proto = 0;
	ft->free_list[ft->n_free++] = idx;
}

void flow_remove(struct flow_table *ft, struct flow *f)
{
	uint32_t idx = (uint32_t)(f - ft->flows);
	if (ft->on_remove != NULL)
		ft->on_remove(ft->on_remove_ctx, f);
	for (int d = DIR_FORWARD; d <= DIR_REVERSE; d++) {
		struct flow_key k;
		flow_key_of(ft, f, d, &k);
		struct flow_hash h = flow_hash_at(ft, flow_key_hash(&k));
		slot_clear(ft, &h, ref_make(idx, d));
	}
	flow_addr_put(ft, f->backend_id);
	flow_release(ft, idx);
}

uint32_t flow_sweep(struct flow_table *ft, uint32_t now, uint32_t n)
{
	uint32_t removed = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct flow *f = &ft->flows[ft->sweep_next];
		if (++ft->sweep_next == ft->capacity)
			ft->sweep_next = 0;
		if (f->proto != 0 && flow_expired(f, now)) {
			flow_remove(ft, f);
			removed++;
		}
	}
	/* What the next call reads is loaded meanwhile (it is usually one or two lines). */
	rte_prefetch0(&ft->flows[ft->sweep_next]);
	return removed;
}

struct flow *flow_lookup_at(struct flow_table *ft, const struct flow_key *k, const struct flow_hash *h,
			    uint32_t now, enum flow_dir *dir)
{
	uint16_t sig = flow_sig(h->hash);
	for (int c = 0; c < 2; c++) {
		struct flow_bucket *b = bucket_of(ft, h, c);
		for (uint32_t hits = flow_bucket_match(b, sig); hits != 0; hits &= hits - 1) {
			int s = __builtin_ctz(hits);
			uint32_t ref = flow_slot_ref(b, s) - 1;
			struct flow *f = &ft->flows[ref >> 1];
			enum flow_dir d = ref & 1;
			if (!flow_key_matches(ft, f, d, k))
				continue;
			if (flow_expired(f, now)) {
				flow_remove(ft, f);
				return NULL;
			}
			*dir = d;
			return f;
		}
	}
	return NULL;
}

/* A free slot for `hash` in the emptier of its two buckets (the first on a tie): placing
 * by load is what lets the index run at FLOW_INDEX_LOAD_PERCENT without overflowing,
 * where taking the first bucket until it is full overflows well below it (a simulation of
 * 100,000 buckets of 10: 0 of 750,000 keys overflow at 75% placed by load, 403 of 600,000
 * already at 60% placed first-fit; of 200,000 buckets of 12, 0 of 1,800,000 at 75% and 1 of
 * 1,920,000 at 80%). Only when both
 * are full, reclaim an expired flow or, failing that, evict the flow nearest to expiry
 * (never `keep`). Free slots are found from the bucket lines alone: flows are read only
 * to choose a victim. */
static struct flow_bucket *slot_reclaim(struct flow_table *ft, const struct flow_hash *h, uint32_t now,
					const struct flow *keep, int *slot);

static __rte_always_inline struct flow_bucket *slot_for(struct flow_table *ft, const struct flow_hash *h,
							uint32_t now, const struct flow *keep, int *slot)
{
	struct flow_bucket *b0 = bucket_of(ft, h, 0), *b1 = bucket_of(ft, h, 1);
	uint32_t free0 = flow_bucket_match(b0, 0), free1 = flow_bucket_match(b1, 0);   /* ref 0: sig 0 too */
	if (unlikely((free0 | free1) == 0))
		return slot_reclaim(ft, h, now, keep, slot);
	bool second = __builtin_popcount(free1) > __builtin_popcount(free0);
	*slot = __builtin_ctz(second ? free1 : free0);
	return second ? b1 : b0;
}

/* Both buckets full: the slot of an expired flow, or of the live one nearest to expiry. */
static __rte_noinline struct flow_bucket *slot_reclaim(struct flow_table *ft, const struct flow_hash *h,
						       uint32_t now, const struct flow *keep, int *slot)
{
	struct flow_bucket *victim_b = NULL;
	int victim = -1;
	int32_t victim_left = INT32_MAX;
	for (int c = 0; c < 2; c++) {
		struct flow_bucket *b = bucket_of(ft, h, c);
		for (int s = 0; s < FLOW_BUCKET_SLOTS; s++) {
			struct flow *f = flow_of_ref(ft, flow_slot_ref(b, s));
			if (f == keep)
				continue;
			int32_t left = (int32_t)(f->expires - now);
			if (left < victim_left) {
				victim_left = left;
				victim = s;
				victim_b = b;
			}
		}
	}
	if (victim < 0)
		return NULL;
	struct flow *f = flow_of_ref(ft, flow_slot_ref(victim_b, victim));
	if (!flow_expired(f, now))
		ft->evicted++;
	flow_remove(ft, f);
	*slot = victim;
	return victim_b;
}

/* Every flow slot is taken: frees the flow nearest to expiry among those in hash's first
 * bucket, or in the buckets after it if that is empty. */
static bool evict_one(struct flow_table *ft, const struct flow_hash *h, uint32_t now)
{
	uint32_t i = h->bucket[0];
	for (uint32_t step = 0; step < ft->n_buckets; step++, i = i + 1 == ft->n_buckets ? 0 : i + 1) {
		struct flow_bucket *b = &ft->buckets[i];
		struct flow *victim = NULL;
		for (int s = 0; s < FLOW_BUCKET_SLOTS; s++) {
			uint32_t ref = flow_slot_ref(b, s);
			if (ref == 0)
				continue;
			struct flow *f = flow_of_ref(ft, ref);
			if (victim == NULL || (int32_t)(f->expires - victim->expires) < 0)
				victim = f;
		}
		if (victim != NULL) {
			if (!flow_expired(victim, now))
				ft->evicted++;
			flow_remove(ft, victim);
			return true;
		}
	}
	return false;
}

static __rte_always_inline bool slot_fill(struct flow_table *ft, const struct flow_hash *h, uint32_t ref,
					  uint32_t now, const struct flow *keep)
{
	int s;
	struct flow_bucket *b = slot_for(ft, h, now, keep, &s);
	if (b == NULL)
		return false;
	slot_set(b, s, flow_sig(h->hash), ref);
	return true;
}

struct flow *flow_insert(struct flow_table *ft, const struct flow *tmpl, uint32_t now)
{
	struct flow_key kf, kr;
	flow_key_of(ft, tmpl, DIR_FORWARD, &kf);
	flow_key_of(ft, tmpl, DIR_REVERSE, &kr);
	struct flow t = *tmpl;
	flow_prepare(&t, &kf, &kr, 0);
	struct flow_hash hf = flow_hash_at(ft, flow_key_hash(&kf));
	struct flow_hash hr = flow_hash_at(ft, flow_key_hash(&kr));
	return flow_insert_hashed(ft, &t, &hf, &hr, now);
}

struct flow *flow_insert_hashed(struct flow_table *ft, const struct flow *tmpl, const struct flow_hash *hf,
				const struct flow_hash *hr, uint32_t now)
{
	if (ft->n_free == 0 && !evict_one(ft, hf, now))
		return NULL;
	uint32_t idx = ft->free_list[--ft->n_free];
	struct flow *f = &ft->flows[idx];
	*f = *tmpl;
	ft->inserts++;   /* before its slots: a failed insertion counts too, which is safe */
	if (!slot_fill(ft, hf, ref_make(idx, DIR_FORWARD), now, f)) {
		flow_release(ft, idx);
		return NULL;
	}
	if (!slot_fill(ft, hr, ref_make(idx, DIR_REVERSE), now, f)) {
		slot_clear(ft, hf, ref_make(idx, DIR_FORWARD));
		flow_release(ft, idx);
		return NULL;
	}
	return f;
}

uint32_t flow_table_live(const struct flow_table *ft)
{
	return ft->capacity - ft->n_free;
}
