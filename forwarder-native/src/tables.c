/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <rte_common.h>
#include "tables.h"
#include "tunables.h"

static bool sharing = true;
static uint32_t live;   /* tables allocated and not yet freed */

uint32_t tables_live(void)
{
	return live;
}

void tables_sharing_set(bool on)
{
	sharing = on;
}

bool tables_sharing(void)
{
	return sharing;
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b != 0) {
		uint32_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Smooth weighted round robin over the serving backends: each turns up weight times per
 * cycle, spread out rather than in runs. Weights are divided by their gcd and scaled down
 * if a cycle would be longer than WRR_MAX_SEQUENCE. */
static int build_wrr(struct sched_tables *t, const struct maglev_input *in, uint32_t n)
{
	uint32_t g = 0;
	uint64_t total = 0;
	for (uint32_t j = 0; j < n; j++)
		g = gcd(g, in[j].weight);
	uint32_t *w = calloc(n ? n : 1, sizeof(*w));
	int64_t *current = calloc(n ? n : 1, sizeof(*current));
	if (w == NULL || current == NULL) {
		free(w);
		free(current);
		return -ENOMEM;
	}
	for (uint32_t j = 0; j < n; j++)
		total += w[j] = in[j].weight / (g ? g : 1);
	if (total > WRR_MAX_SEQUENCE) {
		uint64_t scaled = 0;
		for (uint32_t j = 0; j < n; j++)
			scaled += w[j] = (uint32_t)RTE_MAX((uint64_t)1, (uint64_t)w[j] * WRR_MAX_SEQUENCE / total);
		total = scaled;
	}
	t->wrr_len = (uint32_t)total;
	t->wrr = malloc(sizeof(uint16_t) * (total ? total : 1));
	if (t->wrr == NULL) {
		free(w);
		free(current);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < total; k++) {
		uint32_t best = 0;
		for (uint32_t j = 0; j < n; j++) {
			current[j] += w[j];
			if (current[j] > current[best])
				best = j;
		}
		current[best] -= (int64_t)total;
		t->wrr[k] = (uint16_t)best;
	}
	free(w);
	free(current);
	return 0;
}

static void tables_free(struct sched_tables *t)
{
	live--;
	free(t->maglev);
	free(t->wrr);
	free(t);
}

int tables_build(const struct maglev_input *in, uint32_t n, uint32_t maglev_size, struct sched_tables **out)
{
	*out = NULL;
	struct sched_tables *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	live++;
	t->refs = 1;
	t->maglev_size = maglev_size;
	t->maglev = malloc(sizeof(uint16_t) * maglev_size);
	int rc = t->maglev == NULL ? -ENOMEM : maglev_build(t->maglev, maglev_size, in, n);
	if (rc == 0)
		rc = build_wrr(t, in, n);
	if (rc != 0) {
		tables_free(t);
		return rc;
	}
	t->bytes = sizeof(*t) + sizeof(uint16_t) * ((size_t)maglev_size + (t->wrr_len ? t->wrr_len : 1));
	*out = t;
	return 0;
}

struct sched_tables *tables_hold(struct sched_tables *t)
{
	t->refs++;
	return t;
}

void tables_release(struct sched_tables *t)
{
	if (t != NULL && --t->refs == 0)
		tables_free(t);
}
