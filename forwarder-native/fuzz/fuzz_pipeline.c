/* SPDX-License-Identifier: Apache-2.0
 * libFuzzer harness over the parser and the whole pipeline. An input is a sequence of
 * frames, each prefixed by its 16-bit length, pushed through one worker in order, in bursts
 * of up to BURST_SIZE (a commit ends one), so a forward frame can open a flow its reply then
 * uses, within a burst as across bursts (new flows open a burst at a time: pipeline.c). The configuration has a service in
 * every mode and family, each with three backends. A length prefix with the top bit set is
 * not a frame but a commit: its low bits say which backends drain, whether one is removed
 * and whether a service carries a flag that gets it refused (see recommit()), so
 * established flows meet draining, removed, refused and returning backends. After every input: no mbuf may be
 * missing from the pool. ASan and UBSan catch reads past the packet and undefined
 * arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <rte_mbuf.h>
#include <sanitizer/asan_interface.h>
#include "dataplane.h"
#include "pipeline.h"
#include "worker.h"

#define N_SERVICES 10
#define BACKENDS_PER_SERVICE 3   /* .11, .12, .13 (or ::11, ::12, ::13) */

static struct worker *worker;
static struct gfwd_service services[N_SERVICES];
static struct gfwd_backend backends[N_SERVICES * BACKENDS_PER_SERVICE];
static uint64_t commit_seq;
/* The input frames' mbufs, from a pool of their own: whatever the pipeline allocates itself
 * (answers, copies for the kernel) comes from dp.pool, so it never gets a frame's mbuf freed
 * earlier in the burst whose room is still poisoned. */
static struct rte_mempool *frames;
static bool reconfigured;   /* an input committed: the next one starts from the baseline */

static void add_service(int i, uint8_t family, const char *vip, uint8_t proto, uint16_t port, uint8_t mode,
			uint8_t sched, const char *backend, uint16_t bport)
{
	int af = family == 4 ? AF_INET : AF_INET6;
	struct gfwd_service *s = &services[i];
	*s = (struct gfwd_service){ .family = family, .proto = proto, .port = port, .mode = mode, .sched = sched,
				    .maglev_size = 251, .first_backend = (uint32_t)(i * BACKENDS_PER_SERVICE),
				    .n_backends = BACKENDS_PER_SERVICE,
				    .affinity_timeout_s = sched == GFWD_SCHED_ROUND_ROBIN ? 30 : 0 };
	inet_pton(af, vip, s->vip);
	for (int j = 0; j < BACKENDS_PER_SERVICE; j++) {
		struct gfwd_backend *b = &backends[s->first_backend + (uint32_t)j];
		*b = (struct gfwd_backend){ .family = family, .port = bport, .weight = (uint32_t)j + 1 };
		inet_pton(af, backend, b->addr);
		b->addr[family == 4 ? 3 : 15] += (uint8_t)j;
	}
}

/* Commits the baseline with, for ops bits: 0-2 backend j of every service draining (all
 * three: nothing serves), 3 the last backend removed, 4 an unknown flag bit on the first
 * service's first backend (that service alone is refused, so its flows lose it). */
static void recommit(uint16_t ops)
{
	struct gfwd_service s[N_SERVICES];
	struct gfwd_backend b[N_SERVICES * BACKENDS_PER_SERVICE];
	memcpy(s, services, sizeof(s));
	memcpy(b, backends, sizeof(b));
	for (int i = 0; i < N_SERVICES; i++) {
		for (int j = 0; j < BACKENDS_PER_SERVICE; j++)
			if (ops & (1u << j))
				b[s[i].first_backend + (uint32_t)j].flags |= GFWD_BACKEND_DRAINING;
		if (ops & 8)
			s[i].n_backends--;
	}
	if (ops & 16)
		b[s[0].first_backend].flags |= 0x40;
	int rc = gfwd_commit(++commit_seq, s, N_SERVICES, b, N_SERVICES * BACKENDS_PER_SERVICE, NULL, 0);
	if (rc != ((ops & 16) != 0)) {
		fprintf(stderr, "commit with ops 0x%x: rc %d (%s)\n", ops, rc, gfwd_last_error());
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	char *eal[] = { (*argv)[0], "-l", "0", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			"--no-telemetry", "--log-level", "*:error", NULL };
	if (gfwd_init(11, eal) != 0) {
		fprintf(stderr, "gfwd_init: %s\n", gfwd_last_error());
		exit(1);
	}
	struct gfwd_port_conf pc = { .v4 = { .family = 4, .prefix_len = 24 }, .v6 = { .family = 6, .prefix_len = 64 } };
	inet_pton(AF_INET, "198.18.0.2", pc.v4.addr);
	inet_pton(AF_INET6, "2001:2::2", pc.v6.addr);
	if (gfwd_port_add_ring("fuzz0", &pc) != 0)
		exit(1);
	int n = 0;
	add_service(n++, 4, "198.18.0.200", IPPROTO_TCP, 80, GFWD_MODE_FULLNAT, GFWD_SCHED_MAGLEV, "198.18.0.11", 8080);
	add_service(n++, 4, "198.18.0.200", IPPROTO_UDP, 53, GFWD_MODE_FULLNAT, GFWD_SCHED_ROUND_ROBIN, "198.18.0.11", 5353);
	add_service(n++, 4, "198.18.0.200", IPPROTO_SCTP, 3868, GFWD_MODE_FULLNAT, GFWD_SCHED_SOURCE_HASH, "198.18.0.11", 3868);
	add_service(n++, 4, "198.18.0.210", IPPROTO_TCP, 80, GFWD_MODE_NAT, GFWD_SCHED_LEAST_CONNECTIONS, "198.18.0.11", 8080);
	add_service(n++, 4, "198.18.0.210", IPPROTO_TCP, 8081, GFWD_MODE_DSR, GFWD_SCHED_MAGLEV, "198.18.0.11", 8081);
	add_service(n++, 4, "198.18.0.210", IPPROTO_TCP, 8082, GFWD_MODE_DSR_IPIP, GFWD_SCHED_WEIGHTED_ROUND_ROBIN, "198.18.0.11", 8082);
	add_service(n++, 6, "2001:2::200", IPPROTO_TCP, 80, GFWD_MODE_FULLNAT, GFWD_SCHED_MAGLEV, "2001:2::11", 8080);
	add_service(n++, 6, "2001:2::200", IPPROTO_UDP, 53, GFWD_MODE_NAT, GFWD_SCHED_MAGLEV, "2001:2::11", 5353);
	add_service(n++, 6, "2001:2::200", IPPROTO_TCP, 8081, GFWD_MODE_DSR, GFWD_SCHED_MAGLEV, "2001:2::11", 8081);
	add_service(n++, 6, "2001:2::200", IPPROTO_TCP, 8082, GFWD_MODE_DSR_IPIP, GFWD_SCHED_MAGLEV, "2001:2::11", 8082);
	recommit(0);
	for (uint8_t j = 0; j < BACKENDS_PER_SERVICE; j++) {
		uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)(11 + j) }, a4[16] = { 0 }, a6[16];
		inet_pton(AF_INET, "198.18.0.11", a4);
		inet_pton(AF_INET6, "2001:2::11", a6);
		a4[3] += j;
		a6[15] += j;
		gfwd_neighbor_set(4, a4, mac);
		gfwd_neighbor_set(6, a6, mac);
	}
	worker = worker_create(0, 1, 0, 1024, 0);
	frames = rte_pktmbuf_pool_create("fuzz_frames", 1023, 0, 0, rte_pktmbuf_data_room_size(dp.pool), SOCKET_ID_ANY);
	return worker == NULL || frames == NULL;
}

/* The frames gathered so far, through the pipeline as one burst. */
struct burst {
	uint16_t n;
	struct rte_mbuf *m[BURST_SIZE];
	uint8_t *room[BURST_SIZE];   /* each mbuf's data room, poisoned past its frame */
	uint16_t room_len[BURST_SIZE];
};

static void burst_run(struct burst *b, const struct config *cfg)
{
	if (b->n == 0)
		return;
	for (uint16_t i = 0; i < b->n; i++)
		(void)pipeline_owner(cfg, 0, b->m[i], 0);
	pipeline_burst(worker, cfg, 0, b->m, b->n);
	/* Whether sent or dropped (back in their pool), no mbuf may stay poisoned: the next
	 * burst's frames reuse them. */
	for (uint16_t i = 0; i < b->n; i++)
		ASAN_UNPOISON_MEMORY_REGION(b->room[i], b->room_len[i]);
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		for (uint16_t i = 0; i < worker->tx[p].n; i++)
			rte_pktmbuf_free(worker->tx[p].m[i]);
		worker->tx[p].n = 0;
	}
	struct rte_mbuf *punted;   /* what the agent would read */
	while (rte_ring_dequeue(dp.punt, (void **)&punted) == 0)
		rte_pktmbuf_free(punted);
	b->n = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned before = rte_mempool_avail_count(dp.pool), frames_before = rte_mempool_avail_count(frames);
	if (reconfigured) {
		recommit(0);
		reconfigured = false;
	}
	const struct config *cfg = dp_config();
	worker_tick(worker);
	struct burst b = { .n = 0 };
	while (size >= 2) {
		size_t len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len & 0x8000) {   /* a commit, not a frame: the burst so far goes first */
			burst_run(&b, cfg);
			recommit((uint16_t)(len & 0x1f));
			reconfigured = true;
			cfg = dp_config();
			continue;
		}
		if (len > size)
			len = size;
		struct rte_mbuf *m = rte_pktmbuf_alloc(frames);
		if (m == NULL)
			abort();
		/* The mbuf's data room is bigger than the frame: poison what follows the frame,
		 * so ASan reports any read past the packet's end. (Headroom stays usable: IPIP
		 * encapsulation prepends into it.) */
		uint8_t *room = m->buf_addr;
		ASAN_UNPOISON_MEMORY_REGION(room, m->buf_len);
		char *dst = rte_pktmbuf_append(m, (uint16_t)len);
		if (dst == NULL && len > 0) {
			rte_pktmbuf_free(m);
			break;
		}
		memcpy(dst, data, len);
		ASAN_POISON_MEMORY_REGION(dst + len, (size_t)(room + m->buf_len - (uint8_t *)(dst + len)));
		b.m[b.n] = m;
		b.room[b.n] = room;
		b.room_len[b.n] = m->buf_len;
		if (++b.n == BURST_SIZE)
			burst_run(&b, cfg);
		data += len;
		size -= len;
	}
	burst_run(&b, cfg);
	if (rte_mempool_avail_count(dp.pool) != before || rte_mempool_avail_count(frames) != frames_before) {
		fprintf(stderr, "mbuf leak: %u and %u before, %u and %u after\n", before, frames_before,
			rte_mempool_avail_count(dp.pool), rte_mempool_avail_count(frames));
		abort();
	}
	return 0;
}
