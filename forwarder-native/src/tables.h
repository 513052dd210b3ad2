/* SPDX-License-Identifier: Apache-2.0
 * A service's scheduling tables (the Maglev lookup table and the weighted round-robin
 * sequence), built once and shared by every configuration whose service has the same table
 * size and the same serving backends (address, port, weight, in order). A commit that
 * changes one service builds one pair of tables; the others are taken over by reference
 * from the configuration they replace, and freed by the last configuration that holds them
 * (config_free, after the RCU grace period). Control side only: workers read the tables
 * through struct service's pointers and never see the counts. */
#ifndef GFWD_TABLES_H
#define GFWD_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "maglev.h"

struct sched_tables {
	uint32_t refs;           /* configurations holding it */
	uint32_t maglev_size;
	uint32_t wrr_len;
	uint16_t *maglev;        /* maglev_size entries: offsets into the serving backends */
	uint16_t *wrr;           /* wrr_len entries: the same offsets, in weighted turns */
	size_t bytes;            /* what it holds, for gfwd_commit_stats */
};

/* Builds the tables for serving backends in[0..n) (sorted as the service keeps them) and a
 * table of maglev_size entries, with one reference. -ENOMEM, or -EINVAL from maglev_build. */
int tables_build(const struct maglev_input *in, uint32_t n, uint32_t maglev_size, struct sched_tables **out);
/* One more holder of t; returns t. */
struct sched_tables *tables_hold(struct sched_tables *t);
/* One holder fewer; the last frees it. NULL is ignored. */
void tables_release(struct sched_tables *t);

/* Whether configurations take over unchanged services' tables (true) or rebuild every
 * service on every commit (false): the benchmark's baseline, never turned off otherwise. */
void tables_sharing_set(bool on);
bool tables_sharing(void);
/* Tables built and not yet freed: the running configuration's, once no older one is held. */
uint32_t tables_live(void);

#endif
