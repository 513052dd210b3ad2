/* SPDX-License-Identifier: Apache-2.0
 * A commit costs what changed (issue 15): a service whose Maglev table size and serving
 * backends stay keeps its tables (the same memory, untouched) across commits, whatever the
 * order services and backends come in; a service that changes any of them (a backend added,
 * a weight, draining, the table size) gets new ones, and only it. Tables are freed with the
 * last commit holding them: after each commit exactly the running services' tables exist.
 * gfwd_commit_stats() reports what each commit built and reused. Workers run throughout, so
 * the grace period and the giving back of counter slots are the real ones. */
#include <rte_byteorder.h>
#include "live.h"
#include "dataplane.h"
#include "tables.h"

#define SERVICES 64
#define PER 4                 /* backends per service */
#define CHANGED 17            /* the service each step changes */

struct want {
	uint16_t port;
	uint32_t maglev_size;
	uint32_t n;               /* backends */
	uint32_t weight_of_first;
	uint8_t drain_first;
	uint8_t sched;
};

static struct want wants[SERVICES];
static uint64_t seq;

static struct gfwd_backend backend(uint32_t svc, uint32_t j, uint32_t weight, uint8_t flags)
{
	struct gfwd_backend b = { .family = GFWD_AF_INET, .port = (uint16_t)(8000 + svc), .weight = weight,
				  .flags = flags };
	char ip[20];
	snprintf(ip, sizeof(ip), "198.18.0.%u", 10 + j);
	inet_pton(AF_INET, ip, b.addr);
	return b;
}

/* Commits wants[]; services listed from `rotate` on (wrapping), each one's backends in
 * reverse order when `reverse`: the data plane sorts, so neither may matter. */
static int commit(uint32_t rotate, int reverse)
{
	static struct gfwd_service s[SERVICES];
	static struct gfwd_backend b[SERVICES * 16];
	uint32_t nb = 0;
	for (uint32_t k = 0; k < SERVICES; k++) {
		uint32_t i = (k + rotate) % SERVICES;
		const struct want *w = &wants[i];
		s[k] = (struct gfwd_service){ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = w->port,
					      .mode = GFWD_MODE_FULLNAT, .sched = w->sched,
					      .maglev_size = w->maglev_size, .first_backend = nb, .n_backends = w->n };
		inet_pton(AF_INET, "198.18.0.200", s[k].vip);
		for (uint32_t j = 0; j < w->n; j++) {
			uint32_t jj = reverse ? w->n - 1 - j : j;
			b[nb++] = backend(i, jj, jj == 0 ? w->weight_of_first : 1,
					  jj == 0 && w->drain_first ? GFWD_BACKEND_DRAINING : 0);
		}
	}
	return gfwd_commit(++seq, s, SERVICES, b, nb, NULL, 0);
}

struct seen {
	const uint16_t *maglev, *wrr;
	uint16_t *copy;
	uint32_t size;
};
static struct seen before[SERVICES];

static const struct service *running(uint32_t i)
{
	const struct config *c = dp_config();
	struct addr vip = { .q = { 0, 0 } };
	inet_pton(AF_INET, "198.18.0.200", vip.b);
	return config_find_service(c, &vip, rte_cpu_to_be_16(wants[i].port), IPPROTO_TCP);
}

static void remember(void)
{
	for (uint32_t i = 0; i < SERVICES; i++) {
		const struct service *s = running(i);
		free(before[i].copy);
		before[i] = (struct seen){ s->maglev, s->wrr, malloc(sizeof(uint16_t) * s->maglev_size), s->maglev_size };
		memcpy(before[i].copy, s->maglev, sizeof(uint16_t) * s->maglev_size);
	}
}

/* Every service but `changed` (SERVICES: none) has the very tables it had, byte for byte;
 * `changed` has new ones. */
static void check_kept(uint32_t changed, const char *step)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < SERVICES; i++) {
		const struct service *s = running(i);
		if (i == changed) {
			CHECK(s->maglev != before[i].maglev, "%s: the changed service has a table of its own", step);
			continue;
		}
		kept += s->maglev == before[i].maglev && s->wrr == before[i].wrr && s->maglev_size == before[i].size &&
			memcmp(s->maglev, before[i].copy, sizeof(uint16_t) * before[i].size) == 0;
	}
	uint32_t others = SERVICES - (changed < SERVICES);
	CHECK(kept == others, "%s: %u of the %u unchanged services kept their tables", step, kept, others);
	CHECK(tables_live() == SERVICES, "%s: %u tables exist for %u services (none leaked, none shared wrongly)",
	      step, tables_live(), SERVICES);
	struct gfwd_commit_stats st;
	CHECK(gfwd_commit_stats(&st) == 0 && st.seq == seq, "%s: stats of commit %lu", step, (unsigned long)seq);
	CHECK(st.tables_built == SERVICES - others && st.tables_reused == others && st.services == SERVICES,
	      "%s: built %u and reused %u (want %u and %u)", step, st.tables_built, st.tables_reused,
	      SERVICES - others, others);
	CHECK(st.commit_ns >= st.build_ns && st.build_ns > 0 && st.bytes_allocated > 0 && st.table_bytes > 0,
	      "%s: times %lu <= %lu ns, %lu bytes allocated, %lu held", step, (unsigned long)st.build_ns,
	      (unsigned long)st.commit_ns, (unsigned long)st.bytes_allocated, (unsigned long)st.table_bytes);
}

/* A table taken over is the table the service would get built afresh. */
static void check_same_as_fresh(void)
{
	const struct config *c = dp_config();
	uint32_t same = 0;
	for (uint32_t i = 0; i < SERVICES; i++) {
		const struct service *s = running(i);
		struct maglev_input in[16];
		for (uint32_t j = 0; j < s->n_serving; j++) {
			const struct backend *b = &c->backends[s->first_backend + j];
			in[j] = (struct maglev_input){ b->addr, b->port, b->weight };
		}
		struct sched_tables *t;
		if (tables_build(in, s->n_serving, s->maglev_size, &t) != 0)
			continue;
		same += memcmp(t->maglev, s->maglev, sizeof(uint16_t) * s->maglev_size) == 0 && t->wrr_len == s->wrr_len &&
			memcmp(t->wrr, s->wrr, sizeof(uint16_t) * s->wrr_len) == 0;
		tables_release(t);
	}
	CHECK(same == SERVICES, "every running table equals a fresh build (%u of %u)", same, SERVICES);
}

static void step(uint32_t changed, const char *what, uint32_t rotate, int reverse)
{
	remember();
	if (commit(rotate, reverse) != 0)
		die(what);
	check_kept(changed, what);
}

int main(int argc, char **argv)
{
	live_init(argv[0], "0@0,1@1");
	if (gfwd_start() < 1)
		die("start");
	for (uint32_t i = 0; i < SERVICES; i++)
		wants[i] = (struct want){ .port = (uint16_t)(1000 + i), .maglev_size = 251, .n = PER,
					  .weight_of_first = 1,
					  .sched = i % 2 ? GFWD_SCHED_MAGLEV : GFWD_SCHED_WEIGHTED_ROUND_ROBIN };
	if (commit(0, 0) != 0)
		die("first commit");
	struct gfwd_commit_stats st;
	gfwd_commit_stats(&st);
	CHECK(st.tables_built == SERVICES && st.tables_reused == 0, "the first commit builds every table (%u, %u)",
	      st.tables_built, st.tables_reused);

	step(SERVICES, "the same state again", 0, 0);
	step(SERVICES, "the same state, services and backends in another order", 5, 1);
	wants[CHANGED].n = PER + 1;
	step(CHANGED, "one service gains a backend", 0, 0);
	wants[CHANGED].weight_of_first = 3;
	step(CHANGED, "one backend's weight changes", 0, 0);
	wants[CHANGED].drain_first = 1;
	step(CHANGED, "one backend drains", 0, 0);
	wants[CHANGED].n = PER;   /* backend 4 goes; the draining backend 0 stays, serving set changes */
	step(CHANGED, "one backend is removed", 0, 0);
	wants[CHANGED].maglev_size = 509;
	step(CHANGED, "one table size changes", 0, 0);
	check_same_as_fresh();

	tables_sharing_set(false);
	remember();
	if (commit(0, 0) != 0)
		die("commit without sharing");
	gfwd_commit_stats(&st);
	CHECK(st.tables_built == SERVICES && st.tables_reused == 0 && tables_live() == SERVICES,
	      "without sharing every table is built again (%u built, %u live)", st.tables_built, tables_live());
	tables_sharing_set(true);

	/* Services removed and added: the removed ones' tables go with the last commit holding them. */
	static struct gfwd_service one;
	one = (struct gfwd_service){ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = 1000,
				     .mode = GFWD_MODE_FULLNAT, .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251,
				     .n_backends = 1 };
	inet_pton(AF_INET, "198.18.0.200", one.vip);
	struct gfwd_backend b = backend(0, 0, 1, 0);
	CHECK(gfwd_commit(++seq, &one, 1, &b, 1, NULL, 0) == 0, "down to one service");
	CHECK(tables_live() == 1, "the other services' tables are freed (%u live)", tables_live());
	CHECK(gfwd_commit(++seq, NULL, 0, NULL, 0, NULL, 0) == 0 && tables_live() == 0,
	      "no service, no table (%u live)", tables_live());

	for (uint32_t i = 0; i < SERVICES; i++)
		free(before[i].copy);
	gfwd_shutdown();
	printf("test_tables: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
