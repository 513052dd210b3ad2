/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include "hash.h"
#include "snat.h"
#include "tunables.h"

/* A free bitmap onto the spare list, linked through its first word. */
static void pool_bits_put(struct snat_ports *sp, uint64_t *bits)
{
	bits[0] = (uint64_t)(uintptr_t)sp->spare;
	sp->spare = bits;
}

int snat_ports_init(struct snat_ports *sp, uint16_t first, uint16_t last, int socket)
{
	uint32_t n = (uint32_t)last - first + 1;
	*sp = (struct snat_ports){ .first = first, .last = last, .n_ports = n, .n_words = (n + 63) / 64,
				   .socket = socket, .mask = SNAT_POOLS - 1 };
	/* Every bitmap up front, within the budget: nothing is allocated on the fast path. */
	uint32_t bytes = sp->n_words * 8;
	sp->n_bitmaps = RTE_MIN(SNAT_BITMAP_BYTES / bytes, SNAT_POOLS / 2u);
	sp->pools = rte_zmalloc_socket("snat_pools", SNAT_POOLS * sizeof(struct snat_pool), 64, socket);
	sp->arena = rte_zmalloc_socket("snat_bitmaps", (size_t)sp->n_bitmaps * bytes, 64, socket);
	if (sp->pools == NULL || sp->arena == NULL) {
		snat_ports_free(sp);
		return -1;
	}
	for (uint32_t i = sp->n_bitmaps; i-- > 0;) {
		uint64_t *bits = sp->arena + (size_t)i * sp->n_words;
		/* Bits past the share, in the last word, read as taken forever. */
		for (uint32_t b = n; b < sp->n_words * 64; b++)
			bits[b / 64] |= 1ull << (b % 64);
		pool_bits_put(sp, bits);
	}
	return 0;
}

void snat_ports_free(struct snat_ports *sp)
{
	rte_free(sp->pools);
	rte_free(sp->arena);
	sp->pools = NULL;
	sp->arena = NULL;
	sp->spare = NULL;
}

_Static_assert(sizeof(struct snat_key) % 8 == 0, "a key is hashed in 8-byte words");

static inline uint32_t key_hash(const struct snat_key *k)
{
	return crc_words(k, sizeof(*k), 0x2545f491);
}

static inline bool key_eq(const struct snat_key *a, const struct snat_key *b)
{
	uint64_t x, y;
	memcpy(&x, &a->backend_port, 8);
	memcpy(&y, &b->backend_port, 8);
	return x == y && addr_eq(&a->backend, &b->backend);
}

/* key's pool; with `create`, a fresh one if it has none: the first never-used entry on its
 * chain, or an entry nobody holds a port of (a used entry stays on the chains that pass
 * it, so taking it over for another key hides nothing). */
static __rte_always_inline struct snat_pool *pool_of(struct snat_ports *sp, const struct snat_key *key, bool create)
{
	uint32_t h = key_hash(key);
	struct snat_pool *spare = NULL;
	for (uint32_t i = 0; i < SNAT_POOL_PROBE; i++) {
		struct snat_pool *p = &sp->pools[(h + i) & sp->mask];
		if (!p->used) {
			if (spare == NULL)
				spare = p;
			break;
		}
		if (key_eq(&p->key, key))
			return p;
		if (spare == NULL && p->live == 0)
			spare = p;
	}
	if (!create || spare == NULL)
		return NULL;
	spare->key = *key;
	spare->used = true;
	return spare;
}

/* A bitmap for a pool about to take its first port, from the spare list. */
static inline bool pool_fill(struct snat_ports *sp, struct snat_pool *p)
{
	if (p->bits != NULL)
		return true;
	if (sp->spare == NULL)
		return false;   /* every bitmap of the budget is in use */
	p->bits = sp->spare;
	sp->spare = (uint64_t *)(uintptr_t)p->bits[0];
	p->bits[0] = sp->n_ports < 64 ? ~0ull << sp->n_ports : 0;
	return true;
}

/* p's last port came back: its bitmap (all free again) goes to the spare list. */
static void pool_empty(struct snat_ports *sp, struct snat_pool *p)
{
	pool_bits_put(sp, p->bits);
	p->bits = NULL;
}

uint16_t snat_port_take(struct snat_ports *sp, const struct snat_key *key)
{
	struct snat_pool *p = pool_of(sp, key, true);
	if (p == NULL || p->live >= sp->n_ports || !pool_fill(sp, p))
		return 0;
	uint32_t w = sp->next / 64;
	uint64_t avail = ~p->bits[w] & (~0ull << (sp->next % 64));
	for (uint32_t i = 0; avail == 0 && i < sp->n_words; i++) {
		w = w + 1 == sp->n_words ? 0 : w + 1;
		avail = ~p->bits[w];
	}
	if (avail == 0)
		return 0;
	uint32_t bit = w * 64 + (uint32_t)__builtin_ctzll(avail);
	p->bits[w] |= 1ull << (bit % 64);
	p->live++;
	sp->next = bit + 1 == sp->n_ports ? 0 : bit + 1;
	return rte_cpu_to_be_16((uint16_t)(sp->first + bit));
}

bool snat_port_claim(struct snat_ports *sp, const struct snat_key *key, uint16_t port)
{
	uint32_t off = (uint32_t)rte_be_to_cpu_16(port) - sp->first;
	if (off >= sp->n_ports)
		return false;
	struct snat_pool *p = pool_of(sp, key, true);
	if (p == NULL || !pool_fill(sp, p))
		return false;
	uint64_t bit = 1ull << (off % 64);
	if (!(p->bits[off / 64] & bit)) {
		p->bits[off / 64] |= bit;
		p->live++;
	}
	return true;
}

void snat_port_release(struct snat_ports *sp, const struct snat_key *key, uint16_t port)
{
	uint32_t off = (uint32_t)rte_be_to_cpu_16(port) - sp->first;
	if (off >= sp->n_ports)
		return;
	struct snat_pool *p = pool_of(sp, key, false);
	if (p == NULL || p->bits == NULL)
		return;
	uint64_t bit = 1ull << (off % 64);
	if (p->bits[off / 64] & bit) {
		p->bits[off / 64] &= ~bit;
		if (--p->live == 0)
			pool_empty(sp, p);
	}
}

uint32_t snat_ports_live(const struct snat_ports *sp, const struct snat_key *key)
{
	struct snat_pool *p = pool_of((struct snat_ports *)sp, key, false);
	return p == NULL ? 0 : p->live;
}
