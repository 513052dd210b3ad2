/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "traffic.h"

/* Ids made usable at a time: a multiple of 1,024 keeps both arrays' growth page-aligned. */
#define TRAFFIC_GROW 16384u

struct traffic *traffic_live[MAX_WORKERS];
uint32_t *traffic_cursor[MAX_WORKERS];
struct traffic *traffic_base;

static unsigned reserved;    /* workers whose arrays are reserved */
static uint32_t usable;      /* ids [0, usable) are readable and writable in every reserved array */
static uint32_t high;        /* ids [0, high) have been taken at least once */
static uint32_t *free_ids;   /* given back, taken again first */
static uint32_t n_free, free_cap;
static uint32_t in_use;

/* Address space for every id, no memory yet: PROT_NONE until made usable. */
static void *reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Counters are written on every packet: large pages where the kernel has them. */
	madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

/* Ids [from, to) of worker w's arrays usable (fresh pages read as zero). */
static int make_usable(unsigned w, uint32_t from, uint32_t to)
{
	if (to <= from)
		return 0;
	if (mprotect(&traffic_live[w][from], sizeof(struct traffic) * (size_t)(to - from), PROT_READ | PROT_WRITE) != 0 ||
	    mprotect(&traffic_cursor[w][from], sizeof(uint32_t) * (size_t)(to - from), PROT_READ | PROT_WRITE) != 0)
		return -ENOMEM;
	return 0;
}

int traffic_workers(unsigned n)
{
	if (traffic_base == NULL && (traffic_base = reserve(sizeof(struct traffic) * (size_t)TRAFFIC_MAX_IDS)) == NULL)
		return -ENOMEM;
	for (unsigned w = reserved; w < n && w < MAX_WORKERS; w++) {
		traffic_live[w] = reserve(sizeof(struct traffic) * (size_t)TRAFFIC_MAX_IDS);
		traffic_cursor[w] = reserve(sizeof(uint32_t) * (size_t)TRAFFIC_MAX_IDS);
		if (traffic_live[w] == NULL || traffic_cursor[w] == NULL || make_usable(w, 0, usable) != 0)
			return -ENOMEM;
		reserved = w + 1;
	}
	return 0;
}

uint32_t traffic_take(void)
{
	uint32_t id;
	if (n_free > 0) {
		id = free_ids[--n_free];
	} else {
		if (high == TRAFFIC_MAX_IDS)
			return TRAFFIC_NONE;
		if (high == usable) {
			uint32_t to = usable + TRAFFIC_GROW > TRAFFIC_MAX_IDS ? TRAFFIC_MAX_IDS : usable + TRAFFIC_GROW;
			if (mprotect(&traffic_base[usable], sizeof(struct traffic) * (size_t)(to - usable),
				     PROT_READ | PROT_WRITE) != 0)
				return TRAFFIC_NONE;
			for (unsigned w = 0; w < reserved; w++)
				if (make_usable(w, usable, to) != 0)
					return TRAFFIC_NONE;
			usable = to;
		}
		id = high++;
	}
	memset(&traffic_base[id], 0, sizeof(struct traffic));
	for (unsigned w = 0; w < reserved; w++) {
		memset(&traffic_live[w][id], 0, sizeof(struct traffic));
		traffic_cursor[w][id] = 0;
	}
	in_use++;
	return id;
}

void traffic_give(uint32_t id)
{
	if (n_free == free_cap) {
		uint32_t cap = free_cap ? 2 * free_cap : 1024;
		uint32_t *grown = realloc(free_ids, sizeof(uint32_t) * cap);
		if (grown == NULL)
			return;   /* the id is lost to reuse, not to correctness: fresh ids remain */
		free_ids = grown;
		free_cap = cap;
	}
	free_ids[n_free++] = id;
	in_use--;
}

uint32_t traffic_in_use(void)
{
	return in_use;
}

uint64_t traffic_bytes(void)
{
	return (uint64_t)usable * ((sizeof(struct traffic) + sizeof(uint32_t)) * reserved + sizeof(struct traffic));
}

static void add(struct traffic *to, const struct traffic *x)
{
	to->packets += x->packets;
	to->bytes += x->bytes;
	to->new_flows += x->new_flows;
	to->active += x->active;
	passive_add(&to->passive, &x->passive);
}

struct traffic traffic_sum(uint32_t id, unsigned n_workers)
{
	struct traffic t = traffic_base[id];
	for (unsigned w = 0; w < n_workers && w < reserved; w++)
		add(&t, &traffic_live[w][id]);
	return t;
}

void traffic_fold(uint32_t from, uint32_t into, unsigned n_workers)
{
	struct traffic t = traffic_sum(from, n_workers);
	add(&traffic_base[into], &t);
}
