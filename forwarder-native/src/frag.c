/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include "frag.h"
#include "tunables.h"

int frag_table_init(struct frag_table *t, unsigned worker, unsigned n_workers, int socket)
{
	t->notes = rte_zmalloc_socket("frag_notes", FRAG_SLOTS * sizeof(struct frag_note), 64, socket);
	t->worker = (uint16_t)worker;
	t->n_workers = (uint16_t)(n_workers ? n_workers : 1);
	t->next_id = 0;
	return t->notes == NULL ? -1 : 0;
}

void frag_table_free(struct frag_table *t)
{
	rte_free(t->notes);
	t->notes = NULL;
}

static inline uint32_t slot_of(const struct pkt *p)
{
	uint32_t h = rte_hash_crc(p->key.src.b, 16, p->frag_id);
	h = rte_hash_crc(p->key.dst.b, 16, h);
	return rte_hash_crc_4byte((uint32_t)p->key.proto << 8 | p->key.family, h);
}

static inline bool note_matches(const struct frag_note *n, const struct pkt *p, uint32_t now)
{
	return n->used && (int32_t)(n->expires - now) >= 0 && n->id == p->frag_id && n->proto == p->key.proto &&
	       n->family == p->key.family && addr_eq(&n->src, &p->key.src) && addr_eq(&n->dst, &p->key.dst);
}

/* A free or expired slot before a live one; among live ones, the nearest to expiry. */
static inline bool better_victim(const struct frag_note *n, const struct frag_note *v, uint32_t now)
{
	bool n_live = n->used && (int32_t)(n->expires - now) >= 0;
	bool v_live = v->used && (int32_t)(v->expires - now) >= 0;
	if (!n_live || !v_live)
		return !n_live && v_live;
	return (int32_t)(n->expires - v->expires) < 0;
}

void frag_note_first(struct frag_table *t, const struct flow_table *ft, const struct flow *f,
		     enum flow_dir dir, struct pkt *p, uint32_t now)
{
	uint32_t base = slot_of(p);
	struct frag_note *victim = NULL;
	for (uint32_t i = 0; i < FRAG_PROBE; i++) {
		struct frag_note *n = &t->notes[(base + i) & (FRAG_SLOTS - 1)];
		if (note_matches(n, p, now)) {
			victim = n;   /* the same first fragment again: the note stands anew */
			break;
		}
		if (victim == NULL || better_victim(n, victim, now))
			victim = n;
	}
	uint32_t id_bits = p->key.family == GFWD_AF_INET ? 0xffff : 0xffffffff;
	uint32_t new_id = (t->next_id++ * t->n_workers + t->worker) & id_bits;
	*victim = (struct frag_note){
		.src = p->key.src, .dst = p->key.dst, .id = p->frag_id, .new_id = new_id,
		.flow = (uint32_t)(f - ft->flows), .expires = now + FRAG_TIMEOUT_S,
		.sport = p->key.sport, .dport = p->key.dport, .proto = p->key.proto, .family = p->key.family,
		.dir = (uint8_t)dir, .used = 1,
	};
	p->frag_new_id = new_id;
}

struct flow *frag_find(const struct frag_table *t, struct flow_table *ft, struct pkt *p, uint32_t now,
		       enum flow_dir *dir)
{
	uint32_t base = slot_of(p);
	for (uint32_t i = 0; i < FRAG_PROBE; i++) {
		const struct frag_note *n = &t->notes[(base + i) & (FRAG_SLOTS - 1)];
		if (!note_matches(n, p, now))
			continue;
		struct flow *f = &ft->flows[n->flow];
		struct flow_key k;
		flow_key_of(ft, f, n->dir, &k);
		/* The flow may have ended and its entry gone to another since. */
		if (f->proto != n->proto || !addr_eq(&k.src, &n->src) || !addr_eq(&k.dst, &n->dst) ||
		    k.sport != n->sport || k.dport != n->dport || flow_expired(f, now))
			return NULL;
		*dir = n->dir;
		p->frag_new_id = n->new_id;
		return f;
	}
	return NULL;
}

bool frag_noted(const struct frag_table *t, const struct pkt *p, uint32_t now)
{
	uint32_t base = slot_of(p);
	for (uint32_t i = 0; i < FRAG_PROBE; i++)
		if (note_matches(&t->notes[(base + i) & (FRAG_SLOTS - 1)], p, now))
			return true;
	return false;
}
