/* SPDX-License-Identifier: Apache-2.0
 * Fragments: every fragment of a datagram goes where its first fragment went, without
 * reassembly. The first fragment carries the L4 header, so it finds (or opens) its flow like
 * any packet; it then leaves a note here, keyed by what every fragment carries (source,
 * destination, protocol, identification), and the later fragments find their flow through
 * it. Only the IP header of a later fragment is rewritten; the first fragment's L4 checksum
 * is updated incrementally (the addresses and ports change, the payload does not).
 *
 * A translated datagram also gets a new identification: after full NAT, datagrams of many
 * clients share one source address, and the backend reassembles by (source, destination,
 * protocol, identification). Each worker hands out ids of its own (id % workers == worker).
 *
 * A later fragment that arrives before its first one is dropped (fragment_without_first):
 * senders emit fragments in order, and holding mbufs for reordering would cost more than
 * the rare loss. Notes expire after FRAG_TIMEOUT_S or give their slot to newer ones. */
#ifndef GFWD_FRAG_H
#define GFWD_FRAG_H

#include <stdint.h>
#include "addr.h"
#include "flow.h"
#include "parse.h"

struct frag_note {
	struct addr src;          /* as the fragments arrive */
	struct addr dst;
	uint32_t id;
	uint32_t new_id;          /* what the translated fragments carry */
	uint32_t flow;            /* index of the first fragment's flow in its worker's table */
	uint32_t expires;         /* worker clock, seconds; 0 = free */
	uint16_t sport;           /* the first fragment's ports: its flow must still be that one */
	uint16_t dport;
	uint8_t proto;
	uint8_t family;
	uint8_t dir;              /* enum flow_dir of the datagram in its flow */
	uint8_t used;
} __rte_aligned(64);

_Static_assert(sizeof(struct frag_note) == 64, "a note is one cache line");

struct frag_table {
	struct frag_note *notes;  /* FRAG_SLOTS */
	uint32_t next_id;         /* ids handed out so far */
	uint16_t worker;
	uint16_t n_workers;
};

int frag_table_init(struct frag_table *t, unsigned worker, unsigned n_workers, int socket);
void frag_table_free(struct frag_table *t);

/* The first fragment p belongs to flow f (direction dir): notes it for the later ones and
 * sets p->frag_new_id. */
void frag_note_first(struct frag_table *t, const struct flow_table *ft, const struct flow *f,
		     enum flow_dir dir, struct pkt *p, uint32_t now);
/* The flow of a later fragment, and its direction and new id, or NULL. */
struct flow *frag_find(const struct frag_table *t, struct flow_table *ft, struct pkt *p, uint32_t now,
		       enum flow_dir *dir);
/* Whether t has a live note for p's datagram (read by other workers to pick the owner of a
 * later fragment: a hint, which the owner checks again). */
bool frag_noted(const struct frag_table *t, const struct pkt *p, uint32_t now);

#endif
