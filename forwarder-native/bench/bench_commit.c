/* SPDX-License-Identifier: Apache-2.0
 * Commit benchmark driver (bench/commit.sh): what one changed service costs a commit when the
 * forwarder holds many, with the tables of unchanged services shared between commits (as
 * gfwd_commit does) or, for the baseline, every table rebuilt on every commit.
 *
 *   bench_commit SERVICES SHARING CHANGES BACKENDS TABLE_SIZE [nat]
 *     SERVICES    services committed (two ports per VIP, as two-port LoadBalancers)
 *     SHARING     1: unchanged services keep their tables; 0: every commit rebuilds all;
 *                 2: each commit is a gfwd_commit_delta of the changed service alone
 *     CHANGES     commits measured, each changing one service (a backend added or removed)
 *     BACKENDS    backends per service (behind a gateway: one neighbour for all)
 *     TABLE_SIZE  each service's Maglev table size, as the operator resolves it
 *     nat         the services in NAT mode (their backends in the NAT return index) rather
 *                 than full NAT
 *
 * No worker runs, so a commit is its control-side work (validate, build, publish, free); a
 * running worker adds the wait for its next loop turn. Prints one line of key=value pairs:
 * commit times (p50, p99, max, microseconds), tables built and reused per commit, bytes
 * allocated per commit, the first (full) commit's time, and the process's RSS after the last
 * commit and at its peak (kB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include "gatunfwd.h"
#include "tables.h"

static struct gfwd_service *services;
static struct gfwd_backend *backends;
static uint8_t *extra;   /* per service: whether its extra backend is in */
static uint8_t mode = GFWD_MODE_FULLNAT;

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	size_t n = strlen(field);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0)
			kb = strtol(line + n + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return kb;
}

/* Service i: VIP 198.18.(1 + i/2/250).(1 + i/2%250), port 80 or 443; backends
 * 10.(i/256%256).(i%256).(1..) on port 8080, plus one more when extra[i]. */
static uint32_t fill(uint32_t n_services, uint32_t per, uint32_t table_size)
{
	uint32_t nb = 0;
	for (uint32_t i = 0; i < n_services; i++) {
		uint32_t vip = i / 2, n = per + extra[i];
		struct gfwd_service *s = &services[i];
		*s = (struct gfwd_service){ .family = GFWD_AF_INET, .proto = 6, .port = i % 2 ? 443 : 80,
					    .mode = mode, .sched = GFWD_SCHED_MAGLEV,
					    .maglev_size = table_size, .first_backend = nb, .n_backends = n };
		uint8_t v[4] = { 198, (uint8_t)(18 + vip / 62500), (uint8_t)(1 + vip / 250 % 250), (uint8_t)(1 + vip % 250) };
		memcpy(s->vip, v, 4);
		for (uint32_t j = 0; j < n; j++) {
			struct gfwd_backend *b = &backends[nb++];
			*b = (struct gfwd_backend){ .family = GFWD_AF_INET, .port = 8080, .weight = 1 };
			uint8_t a[4] = { 10, (uint8_t)(i >> 8), (uint8_t)i, (uint8_t)(1 + j) };
			memcpy(b->addr, a, 4);
		}
	}
	return nb;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 6 && !(argc == 7 && strcmp(argv[6], "nat") == 0)) {
		fprintf(stderr, "usage: %s SERVICES SHARING CHANGES BACKENDS TABLE_SIZE [nat]\n", argv[0]);
		return 2;
	}
	if (argc == 7)
		mode = GFWD_MODE_NAT;
	uint32_t n_services = (uint32_t)atoi(argv[1]), changes = (uint32_t)atoi(argv[3]);
	uint32_t per = (uint32_t)atoi(argv[4]), table_size = (uint32_t)atoi(argv[5]);
	int sharing = atoi(argv[2]);
	tables_sharing_set(sharing != 0);
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			"--no-telemetry", "--log-level", "*:error", NULL };
	if (gfwd_init(11, eal) != 0) {
		fprintf(stderr, "gfwd_init: %s\n", gfwd_last_error());
		return 1;
	}
	struct gfwd_port_conf pc = { .v4 = { .family = GFWD_AF_INET, .prefix_len = 24, .has_gateway = 1 } };
	inet_pton(AF_INET, "198.18.0.2", pc.v4.addr);
	inet_pton(AF_INET, "198.18.0.1", pc.v4.gateway);
	if (gfwd_port_add_ring("commit0", &pc) != 0) {
		fprintf(stderr, "port: %s\n", gfwd_last_error());
		return 1;
	}
	services = calloc(n_services, sizeof(*services));
	backends = calloc((size_t)n_services * (per + 1), sizeof(*backends));
	extra = calloc(n_services, 1);
	double *took = calloc(changes, sizeof(double));
	if (services == NULL || backends == NULL || extra == NULL || took == NULL)
		return 1;

	uint64_t seq = 1;
	uint32_t nb = fill(n_services, per, table_size);
	double t0 = now_us();
	int rc = gfwd_commit(seq++, services, n_services, backends, nb, NULL, 0);
	double first_ms = (now_us() - t0) / 1e3;
	if (rc != 0) {
		fprintf(stderr, "first commit: %d %s\n", rc, gfwd_last_error());
		return 1;
	}
	uint64_t built = 0, reused = 0, bytes = 0;
	for (uint32_t k = 0; k < changes; k++) {
		uint32_t i = (uint32_t)(((uint64_t)k * 7919 + 13) % n_services);
		extra[i] ^= 1;
		nb = fill(n_services, per, table_size);
		t0 = now_us();
		rc = sharing == 2 ? gfwd_commit_delta(seq++, &services[i], 1, backends, nb, NULL, 0, NULL, 0)
			       : gfwd_commit(seq++, services, n_services, backends, nb, NULL, 0);
		took[k] = now_us() - t0;
		if (rc != 0) {
			fprintf(stderr, "commit %u: %d %s\n", k, rc, gfwd_last_error());
			return 1;
		}
		struct gfwd_commit_stats st;
		gfwd_commit_stats(&st);
		built += st.tables_built;
		reused += st.tables_reused;
		bytes += st.bytes_allocated;
	}
	qsort(took, changes, sizeof(double), by_value);
	struct gfwd_commit_stats st;
	gfwd_commit_stats(&st);
	printf("services=%u sharing=%d mode=%s changes=%u table_size=%u p50_us=%.1f p99_us=%.1f max_us=%.1f "
	       "built_per_commit=%.1f reused_per_commit=%.1f bytes_per_commit=%.0f table_bytes=%lu "
	       "first_commit_ms=%.1f rss_kb=%ld hwm_kb=%ld\n",
	       n_services, sharing, mode == GFWD_MODE_NAT ? "nat" : "fullnat", changes, table_size, took[changes / 2],
	       took[(uint32_t)(changes * 0.99) < changes ? (uint32_t)(changes * 0.99) : changes - 1], took[changes - 1],
	       (double)built / changes, (double)reused / changes, (double)bytes / changes,
	       (unsigned long)st.table_bytes, first_ms, status_kb("VmRSS:"), status_kb("VmHWM:"));
	gfwd_shutdown();
	return 0;
}
