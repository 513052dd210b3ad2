/* SPDX-License-Identifier: Apache-2.0
 * Per-worker connection table.
 *
 * A flow is 48 bytes and is reachable from two slots, one per direction: the client's
 * tuple (client → VIP) and the tuple of the backend's answer (backend → SNAT address, or
 * backend → client without SNAT). Slots live in 64-byte buckets of 12 (signature, reference)
 * pairs, so a lookup touches one bucket line and the flow's line or two. Keys are not
 * stored: a slot's key is rebuilt from the flow. Only the client's address is in the flow;
 * the VIP and SNAT addresses are short ids into tables that never change an id's address,
 * and the backend's address a short id into the table's own table of backend addresses
 * (held while a flow uses it, struct flow_addrs). Expired flows leave when a lookup meets
 * them, when their slot is needed, and in any case when the sweep (flow_sweep(), driven by
 * the worker loop) passes them.
 *
 * State per flow: the 48-byte flow, and two 5-byte slots in an index sized for 75% of its
 * slots in use (FLOW_INDEX_LOAD_PERCENT): 48 + 2 × 64 / 12 / 0.75 = 62.2 bytes, and the
 * fixed backend-address table (FLOW_ADDRS entries of 24 bytes: 1.5 MB a worker). Each slot
 * goes to the emptier of its two buckets, which is what lets the index run that full
 * without overflowing (taking the first bucket until it is full overflows well below it).
 * A flow's 48 bytes straddle two cache lines for half the flows: both are prefetched
 * together (flow_prefetch_match), so the second costs little. */
#ifndef GFWD_FLOW_H
#define GFWD_FLOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <rte_common.h>
#include <rte_prefetch.h>
#include <emmintrin.h>
#include "hash.h"
#include "addr.h"
#include "csum.h"
#include "gatunfwd.h"
#include "tunables.h"

enum flow_dir { DIR_FORWARD = 0, DIR_REVERSE = 1 };

enum flow_state {
	FLOW_TCP_SYN = 0,
	FLOW_TCP_ESTABLISHED,
	FLOW_TCP_CLOSING,
	FLOW_UDP,
	FLOW_SCTP,
};

/* What a lookup matches: a packet's own tuple. Ports in network order. */
struct flow_key {
	struct addr src;
	struct addr dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t family;
	uint16_t zero;
};

/* Backend addresses of a table's flows, by a 16-bit id: one entry per distinct address
 * (and family) with live flows, held by reference count, found by open addressing. An
 * entry whose count fell to 0 keeps its key until another address needs the place. */
struct flow_addr_meta {
	uint32_t refs;            /* flows using it */
	uint8_t family;
	uint8_t used;             /* ever held an address: lookups stop at the first unused */
};

struct flow_addrs {
	struct addr *addr;        /* FLOW_ADDRS of them, read on the fast path */
	struct flow_addr_meta *meta;
};

#define FLOW_ADDR_NONE UINT32_MAX

/* What an IPv4 flow keeps in the twelve bytes of its client address's 16 that the address
 * does not use: which store its backend hint was checked in (forward.h: then one compare
 * stands for the hint's whole check), and what its packets' rewrite does to their checksums,
 * summed once when the flow is stored (flow_insert) instead of for every packet. A packet of
 * the flow carries its direction's key, so what the rewrite changes (its addresses and ports,
 * to the other direction's, swapped; the TTL, less one) is the same for every packet: each
 * delta is the RFC 1624 sum of those changes, folded to 16 bits (1..0xffff: the sums are never
 * 0, as no flow has an address of 0.0.0.0). */
struct flow_v4 {
	uint32_t client;          /* network order */
	uint32_t store;           /* the store (store.h) whose entry backend_idx is the flow's backend; 0: none */
	uint16_t ip_fwd;          /* client → backend: the IP header checksum's change (addresses, TTL) */
	uint16_t l4_fwd;          /* and the TCP / UDP checksum's (addresses, ports) */
	uint16_t ip_rev;          /* backend → client: the same */
	uint16_t l4_rev;
};

struct flow {
	/* The client's address, read through flow_client(): all 16 bytes for an IPv6 flow; an
	 * IPv4 flow's first four, the rest filled when it is stored (struct flow_v4). A flow
	 * being made (a template) holds the address whole, as a packet's key has it. */
	union {
		struct addr client_addr;
		struct flow_v4 v4;
	};
	uint16_t client_port;     /* network order, like every port below */
	uint16_t vport;
	uint16_t backend_port;
	uint16_t snat_port;       /* full NAT: our source port towards the backend */
	/* Where the backend was in the config that last checked this flow: a hint, trusted
	 * only while the entry there still matches (its service is the entry's own, see
	 * flow_backend_in()). */
	uint32_t backend_idx;
	uint32_t expires;         /* worker clock, seconds */
	uint16_t vip_id;          /* index into the VIP address table */
	uint16_t backend_id;      /* index into the table's backend addresses (flow_addrs) */
	uint8_t client_mac[6];    /* previous hop of the client: where replies go */
	uint8_t snat_id;          /* port index whose address is the SNAT source */
	uint8_t proto;            /* 0: a free entry (the sweep skips it) */
	uint8_t family;
	uint8_t state;            /* enum flow_state */
	uint8_t in_port;          /* where the client's packets arrive */
	uint8_t mode;             /* enum gfwd_mode */
};

_Static_assert(sizeof(struct flow) == 48, "a flow is 48 bytes (with its index, 64 at most)");
_Static_assert(sizeof(struct flow_v4) == sizeof(struct addr), "an IPv4 flow's extras fit in its address");

/* The client's address, as a packet's key has it (IPv4: the rest zero). */
static inline struct addr flow_client(const struct flow *f)
{
	return f->family == GFWD_AF_INET ? addr_v4(f->v4.client) : f->client_addr;
}

/* Twelve slots of five bytes: a 16-bit signature (a false match reads a flow for about one
 * lookup in 2,000 at full load) and a 24-bit reference, in three arrays. */
struct flow_bucket {
	uint16_t sig[FLOW_BUCKET_SLOTS];
	uint16_t ref_lo[FLOW_BUCKET_SLOTS];   /* ref: 0 = free, else (flow index << 1 | dir) + 1 */
	uint8_t ref_hi[FLOW_BUCKET_SLOTS];
	uint8_t pad[64 - 5 * FLOW_BUCKET_SLOTS];
} __rte_aligned(64);

_Static_assert(sizeof(struct flow_bucket) == 64, "a bucket is one cache line");

/* A reference is 24 bits: (index << 1 | dir) + 1. */
#define FLOW_TABLE_MAX_FLOWS ((1u << 23) - 1)

struct flow_table {
	struct flow_bucket *buckets;
	uint32_t n_buckets;       /* any count: indexed by multiplying (flow.c) */
	struct flow *flows;
	uint32_t capacity;
	uint32_t *free_list;
	uint32_t n_free;
	uint32_t sweep_next;      /* the flow the sweep visits next */
	/* Address tables the keys are rebuilt from: the VIPs and SNAT addresses are shared and
	 * append-only, the backends' this table's own. */
	const struct addr *vips;
	const struct addr (*snat_addrs)[MAX_PORTS];   /* by family index, then port */
	struct flow_addrs backends;
	uint64_t evicted;
	uint32_t inserts;         /* flows inserted, wrapping: how long a signature's absence holds */
	/* Told about every flow that ends (expired, evicted, removed). */
	void (*on_remove)(void *ctx, const struct flow *f);
	void *on_remove_ctx;
};

struct flow_table *flow_table_create(uint32_t capacity, int socket,
				     const struct addr *vips, const struct addr (*snat_addrs)[MAX_PORTS]);
void flow_table_free(struct flow_table *ft);

/* A reference to the backend address a (of family), for a new flow's backend_id: the id,
 * or FLOW_ADDR_NONE when FLOW_ADDRS distinct addresses already have live flows. A flow
 * inserted with it holds it from then on and gives it back when it ends; if the insert
 * fails, the caller gives it back (flow_addr_put). */
uint32_t flow_addr_take(struct flow_table *ft, const struct addr *a, uint8_t family);
void flow_addr_put(struct flow_table *ft, uint16_t id);

static inline const struct addr *flow_backend_addr(const struct flow_table *ft, const struct flow *f)
{
	return &ft->backends.addr[f->backend_id];
}

_Static_assert(sizeof(struct flow_key) == 40, "a key is five 8-byte words");

#define FLOW_KEY_SEED 0x9e3779b9u

static inline uint32_t flow_key_hash(const struct flow_key *k)
{
	return crc_words(k, sizeof(*k), FLOW_KEY_SEED);
}

/* Writes an IPv4 key whole (the addresses' upper twelve bytes and the padding zero; `tail` is
 * its last eight bytes: ports, protocol, family) and returns flow_key_hash() of it, computed
 * from the five words in registers rather than read back. */
static __rte_always_inline uint32_t flow_key4_fill(struct flow_key *k, uint32_t src, uint32_t dst, uint64_t tail)
{
	k->src.q[0] = src;
	k->src.q[1] = 0;
	k->dst.q[0] = dst;
	k->dst.q[1] = 0;
	memcpy(&k->sport, &tail, 8);
	_Static_assert(offsetof(struct flow_key, sport) == 32, "the key's last word starts at its ports");
#ifdef __SSE4_2__
	uint64_t h = _mm_crc32_u64(FLOW_KEY_SEED, src);
	h = _mm_crc32_u64(h, 0);
	h = _mm_crc32_u64(h, dst);
	h = _mm_crc32_u64(h, 0);
	return (uint32_t)_mm_crc32_u64(h, tail);
#else
	return flow_key_hash(k);
#endif
}

static inline bool flow_key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return addr_eq(&a->src, &b->src) && addr_eq(&a->dst, &b->dst) && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto && a->family == b->family;
}

/* Where a key's slots may be: its hash and its two buckets (the second from the hash's other
 * bits), each found by multiplying (Lemire's range reduction: any bucket count, no division).
 * Computed once per packet; every step of its lookup and insertion reads it. */
struct flow_hash {
	uint32_t hash;
	uint32_t bucket[2];
};

static inline struct flow_hash flow_hash_at(const struct flow_table *ft, uint32_t hash)
{
	uint32_t other = (hash >> 16 | hash << 16) * 0x9e3779b1u;
	return (struct flow_hash){
		.hash = hash,
		.bucket = { (uint32_t)(((uint64_t)hash * ft->n_buckets) >> 32),
			    (uint32_t)(((uint64_t)other * ft->n_buckets) >> 32) },
	};
}

static inline bool flow_expired(const struct flow *f, uint32_t now)
{
	return (int32_t)(f->expires - now) < 0;
}

/* Starts loading the buckets a lookup of h will read, then (once they are in) the flows
 * whose signature matches: the two dependent misses of a lookup, hidden. */
static inline void flow_prefetch(const struct flow_table *ft, const struct flow_hash *h)
{
	rte_prefetch0(&ft->buckets[h->bucket[0]]);
	rte_prefetch0(&ft->buckets[h->bucket[1]]);
}

/* The hash's low half (the bucket comes from its high bits): never 0, so a signature
 * alone cannot look like a free slot. */
static inline uint16_t flow_sig(uint32_t hash)
{
	return (uint16_t)(hash | 1);
}

static inline uint32_t flow_slot_ref(const struct flow_bucket *b, int s)
{
	return b->ref_lo[s] | (uint32_t)b->ref_hi[s] << 16;
}

/* A bit per slot of b whose signature is sig: two SSE2 compares of eight 16-bit lanes
 * (slots 0-7, then 8-11 and four zero lanes, which are masked off), packed to a byte each. */
static inline uint32_t flow_bucket_match(const struct flow_bucket *b, uint16_t sig)
{
	__m128i want = _mm_set1_epi16((short)sig);
	__m128i lo = _mm_cmpeq_epi16(_mm_load_si128((const __m128i *)&b->sig[0]), want);
	__m128i hi = _mm_cmpeq_epi16(_mm_loadl_epi64((const __m128i *)&b->sig[8]), want);
	return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(lo, hi)) & ((1u << FLOW_BUCKET_SLOTS) - 1);
}

/* Returns the reference of the first slot whose signature matched (0: none). */
static inline uint32_t flow_prefetch_hits(const struct flow_table *ft, const struct flow_bucket *b, uint32_t hits)
{
	uint32_t first = hits != 0 ? flow_slot_ref(b, __builtin_ctz(hits)) : 0;
	for (uint32_t ref = first; hits != 0; hits &= hits - 1, ref = hits != 0 ? flow_slot_ref(b, __builtin_ctz(hits)) : 0) {
		const char *f = (const char *)&ft->flows[(ref - 1) >> 1];
		rte_prefetch0(f);
		rte_prefetch0(f + sizeof(struct flow) - 1);   /* half the flows straddle two lines */
	}
	return first;
}

/* The same for the flows. Returns the reference of the first slot whose signature matched
 * (the one a lookup tries first), 0 when none did: then a lookup of h misses for as long as
 * nothing is inserted (ft->inserts unchanged), as removals only empty slots. The second
 * bucket is matched only when the first has no such slot: its flows are read only when the
 * first bucket's does not match (a false match, about one lookup in 2,000). */
static __rte_always_inline uint32_t flow_prefetch_match(const struct flow_table *ft, const struct flow_hash *h)
{
	uint16_t sig = flow_sig(h->hash);
	const struct flow_bucket *b0 = &ft->buckets[h->bucket[0]], *b1 = &ft->buckets[h->bucket[1]];
	uint32_t first0 = flow_prefetch_hits(ft, b0, flow_bucket_match(b0, sig));
	if (first0 != 0)
		return first0;
	return flow_prefetch_hits(ft, b1, flow_bucket_match(b1, sig));
}

/* Finds the live flow whose `dir` slot matches k. */
struct flow *flow_lookup_at(struct flow_table *ft, const struct flow_key *k, const struct flow_hash *h,
			    uint32_t now, enum flow_dir *dir);

/* Whether k is flow f's key in direction dir: field by field, cheapest and likeliest to differ
 * first; no key is built. A free entry (proto 0) matches no packet's key. */
static __rte_always_inline bool flow_key_matches(const struct flow_table *ft, const struct flow *f,
						 enum flow_dir dir, const struct flow_key *k)
{
	if (f->proto != k->proto || f->family != k->family)
		return false;
	/* An IPv4 key's addresses are their first four bytes, the rest zero (as parsed). */
	if (dir == DIR_FORWARD)
		return f->client_port == k->sport && f->vport == k->dport &&
		       (f->family == GFWD_AF_INET ? f->v4.client == k->src.v4 : addr_eq(&f->client_addr, &k->src)) &&
		       addr_eq(&ft->vips[f->vip_id], &k->dst);
	if (f->backend_port != k->sport || !addr_eq(flow_backend_addr(ft, f), &k->src))
		return false;
	if (f->snat_port != 0)
		return f->snat_port == k->dport &&
		       addr_eq(&ft->snat_addrs[f->family == GFWD_AF_INET6][f->snat_id], &k->dst);
	struct addr client = flow_client(f);
	return f->client_port == k->dport && addr_eq(&client, &k->dst);
}

/* flow_lookup_at() given the reference flow_prefetch_match() returned for h, taken while
 * nothing was inserted since (ft->inserts unchanged; 0 otherwise): slots were then only
 * emptied, so that slot is still the first a lookup would try, and when its flow matches
 * and is live it is what the lookup finds, without the lookup's bucket scan and call.
 * Anything else (no hint, another flow's signature, an expired flow) is the lookup's. */
static __rte_always_inline struct flow *flow_lookup_hinted(struct flow_table *ft, const struct flow_key *k,
							   const struct flow_hash *h, uint32_t hint, uint32_t now,
							   enum flow_dir *dir)
{
	if (likely(hint != 0)) {
		struct flow *f = &ft->flows[(hint - 1) >> 1];
		enum flow_dir d = (hint - 1) & 1;
		if (likely(flow_key_matches(ft, f, d, k) && !flow_expired(f, now))) {
			*dir = d;
			return f;
		}
	}
	return flow_lookup_at(ft, k, h, now, dir);
}

static inline struct flow *flow_lookup(struct flow_table *ft, const struct flow_key *k, uint32_t hash,
				       uint32_t now, enum flow_dir *dir)
{
	struct flow_hash h = flow_hash_at(ft, hash);
	return flow_lookup_at(ft, k, &h, now, dir);
}
/* Adds a flow: copies *f (its backend_id a reference the caller took) and indexes both
 * directions. Evicts the flow nearest to expiry
 * when there is no room (ft->evicted counts those). Returns the stored flow or NULL. */
struct flow *flow_insert(struct flow_table *ft, const struct flow *f, uint32_t now);
/* The same with both directions' hashes known (a new flow's forward hash is its first
 * packet's, so only the reverse key is built and hashed) and f prepared (flow_prepare). */
struct flow *flow_insert_hashed(struct flow_table *ft, const struct flow *f, const struct flow_hash *fwd,
				const struct flow_hash *rev, uint32_t now);
/* Starts loading the flow entry the insertion `ahead` insertions from now will fill (the
 * free list's top, if nothing is freed meanwhile): a new flow's entry is written whole. */
static inline void flow_prefetch_free(const struct flow_table *ft, uint32_t ahead)
{
	if (likely(ahead < ft->n_free)) {
		const char *f = (const char *)&ft->flows[ft->free_list[ft->n_free - 1 - ahead]];
		rte_prefetch0_write(f);
		rte_prefetch0_write(f + sizeof(struct flow) - 1);   /* half the flows straddle two lines */
	}
}
void flow_remove(struct flow_table *ft, struct flow *f);
/* The key of a flow's direction, as a packet in that direction carries it. */
static inline void flow_key_of(const struct flow_table *ft, const struct flow *f, enum flow_dir dir,
			       struct flow_key *k)
{
	/* Every byte written once (no zeroing first): it is hashed whole. */
	k->proto = f->proto;
	k->family = f->family;
	k->zero = 0;
	if (dir == DIR_FORWARD) {
		k->src = flow_client(f);
		k->sport = f->client_port;
		k->dst = ft->vips[f->vip_id];
		k->dport = f->vport;
	} else {
		k->src = *flow_backend_addr(ft, f);
		k->sport = f->backend_port;
		if (f->snat_port != 0) {
			k->dst = ft->snat_addrs[f->family == GFWD_AF_INET6][f->snat_id];
			k->dport = f->snat_port;
		} else {       /* no SNAT: the backend answers the client itself */
			k->dst = flow_client(f);
			k->dport = f->client_port;
		}
	}
}
uint32_t flow_table_live(const struct flow_table *ft);


/* A 32-bit word of two ports as they sit in a header: the source first. */
static inline uint32_t ports_word(uint16_t sport, uint16_t dport)
{
	return (uint32_t)sport | (uint32_t)dport << 16;
}

/* 0xffff - d, but 0xffff for 0xffff: the one's complement negation of a folded delta, kept
 * in 1..0xffff. */
static inline uint16_t csum_neg16(uint16_t d)
{
	uint16_t r = (uint16_t)~d;
	return r != 0 ? r : 0xffff;
}

/* Fills what flow f (a template: its keys kf and kr, flow_key_of) keeps beyond them before it
 * is stored: an IPv4 flow's checksum deltas and the store its backend_idx is an entry of
 * (struct flow_v4; 0 for none). The forward
 * rewrite turns a packet carrying kf into one carrying kr's reply tuple (kr's destination as
 * its source, kr's source as its destination, the ports likewise) and decrements the TTL:
 * nat_rewrite()'s sums over the words it changes, here once. The reverse rewrite undoes the
 * addresses and ports, so its sums are the negations (a 32-bit word counts as its two halves
 * added, whichever way round, as 2^16 is 1 modulo 0xffff) but for the TTL, which both
 * decrement: its IP delta is -(ip_fwd - T) + T = 2T - ip_fwd with T = 0xfffe = -1. */
static inline void flow_prepare(struct flow *f, const struct flow_key *kf, const struct flow_key *kr, uint32_t store)
{
	if (f->family != GFWD_AF_INET)
		return;
	f->v4.store = store;
	uint64_t addrs = csum_delta32(kf->src.v4, kr->dst.v4) + csum_delta32(kf->dst.v4, kr->src.v4);
	uint64_t ports = csum_delta32(ports_word(kf->sport, kf->dport), ports_word(kr->dport, kr->sport));
	f->v4.ip_fwd = csum_fold64_positive(addrs + CSUM_TTL_DEC);
	f->v4.l4_fwd = csum_fold64_positive(addrs + ports);
	f->v4.ip_rev = csum_neg16(csum_fold17((uint32_t)f->v4.ip_fwd + 2));
	f->v4.l4_rev = csum_neg16(f->v4.l4_fwd);
}

/* Visits the next n flows in index order, removing the expired ones (through flow_remove,
 * so on_remove hears of each); wraps around. Returns how many it removed. */
uint32_t flow_sweep(struct flow_table *ft, uint32_t now, uint32_t n);


#endif
