/* SPDX-License-Identifier: Apache-2.0
 * The pipeline alone, for a profiler (valgrind --tool=callgrind counts instructions, the
 * same for the same input whatever else the machine does): established full-NAT flows,
 * bursts of BURST_SIZE (what the worker reads at once) rebuilt from the same frames, no PMD.
 *
 *   profile_pipeline FLOWS BURSTS [new]      (PROFILE_MEMORY: EAL memory flags, below)
 *
 * Besides the mean cycles per packet it prints the median burst's: a burst the scheduler
 * interrupted (another process on the core) moves the mean a lot and the median hardly,
 * so on a busy machine the median is the figure to compare (still not callgrind's
 * certainty: other processes also evict the caches).
 *   profile_pipeline sweep CAPACITY     the flow sweep's cost per entry of a 95% full table */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <rte_cycles.h>
#include "dataplane.h"
#include "pipeline.h"
#include "worker.h"
#include "../tests/frame.h"

#define PB BURST_SIZE   /* packets per pipeline_burst, as the worker reads them */
static const uint8_t PORT_MAC[6] = { 0x02, 0x67, 0x61, 0x74, 0x00, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };

static void frame_for(struct frame *f, uint32_t i, uint8_t flags)
{
	char ip[32];
	snprintf(ip, sizeof(ip), "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
	*f = frame_new();
	frame_eth(f, PORT_MAC, PEER_MAC);
	frame_ipv4(f, ip, "198.18.0.200", IPPROTO_TCP);
	frame_tcp(f, 1024, 80, flags);
	frame_payload(f, "xx");
	frame_done(f);
}

/* A full pass of the sweep over a table 95% full of live flows (the steady state: nothing
 * expires), then one where every flow has expired; cycles per entry visited. */
static int profile_sweep(uint32_t capacity)
{
	struct flow_table *ft = flow_table_create(capacity, 0, dp.vips, dp.snat_addrs);
	if (ft == NULL)
		return 1;
	dp_vip_id(&(struct addr){ .q = { 0, 0 } });
	uint32_t filled = capacity / 100 * 95;
	for (uint32_t n = 0; n < filled; n++) {
		struct addr backend = addr_v4(rte_cpu_to_be_32(0xc6120000u | (n >> 15)));
		struct flow f = { .client_addr = addr_v4(rte_cpu_to_be_32(0x0a000000u | n)), .client_port = 1000,
				  .backend_id = (uint16_t)flow_addr_take(ft, &backend, GFWD_AF_INET), .backend_port = 8080,
				  .vport = 80, .snat_port = (uint16_t)(1 + (n & 0x7fff)), .proto = IPPROTO_TCP,
				  .family = GFWD_AF_INET, .expires = 100 };
		flow_insert(ft, &f, 0);
	}
	uint64_t t0 = rte_rdtsc();
	uint32_t removed = flow_sweep(ft, 50, capacity);
	uint64_t live = rte_rdtsc() - t0;
	t0 = rte_rdtsc();
	removed += flow_sweep(ft, 200, capacity);
	uint64_t expired = rte_rdtsc() - t0;
	double hz = (double)rte_get_tsc_hz();
	printf("sweep of %u entries (%u flows): %.1f cycles per entry when nothing expires (%.2f%% of a core at "
	       "one pass per %d ms), %.1f per entry when every flow expires; %u removed\n",
	       capacity, filled, (double)live / capacity, 100.0 * (double)live / hz * 1000 / FLOW_SWEEP_PERIOD_MS, FLOW_SWEEP_PERIOD_MS,
	       (double)expired / capacity, removed);
	flow_table_free(ft);
	return removed == filled ? 0 : 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint32_t flows = argc > 1 ? (uint32_t)atoi(argv[1]) : 1000;
	uint32_t bursts = argc > 2 ? (uint32_t)atoi(argv[2]) : 10000;
	int fresh = argc > 3 && strcmp(argv[3], "new") == 0;   /* every packet a new flow */
	/* Memory flags: PROFILE_MEMORY, e.g. "-m 1024 --in-memory" for 2 MB hugepages as the PMD
	 * benchmark has them (at a million flows 4 KB pages add TLB misses it does not have). */
	char memory[128];
	snprintf(memory, sizeof(memory), "%s", getenv("PROFILE_MEMORY") ? getenv("PROFILE_MEMORY") : "--no-huge -m 1024");
	char *eal[24] = { argv[0], "-l", "0", "--no-pci", "--no-shconf", "--no-telemetry", "--log-level", "*:error" };
	int n_eal = 8;
	for (char *tok = strtok(memory, " "); tok != NULL && n_eal < 23; tok = strtok(NULL, " "))
		eal[n_eal++] = tok;
	if (gfwd_init(n_eal, eal) != 0)
		return 1;
	if (argc > 2 && strcmp(argv[1], "sweep") == 0)
		return profile_sweep((uint32_t)atoi(argv[2]));
	struct gfwd_port_conf pc = { .v4 = { .family = 4, .prefix_len = 24 } };
	inet_pton(AF_INET, "198.18.0.2", pc.v4.addr);
	gfwd_port_add_ring("prof0", &pc);
	struct gfwd_backend b[64];
	for (int i = 0; i < 64; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 11 + i);
		b[i] = (struct gfwd_backend){ .family = 4, .port = 8080, .weight = 1 };
		inet_pton(AF_INET, ip, b[i].addr);
		uint8_t mac[6] = { 2, 0, 0, 0, 1, (uint8_t)i };
		gfwd_neighbor_set(4, b[i].addr, mac);
	}
	struct gfwd_service s = { .family = 4, .proto = IPPROTO_TCP, .port = 80, .mode = GFWD_MODE_FULLNAT,
				  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537, .n_backends = 64 };
	inet_pton(AF_INET, "198.18.0.200", s.vip);
	gfwd_commit(1, &s, 1, b, 64, NULL, 0);
	struct worker *w = worker_create(0, 1, 0, flows * 2 + 64 + (fresh ? bursts * PB : 0), 0);
	const struct config *cfg = dp_config();

	struct frame *frames = malloc(sizeof(struct frame) * flows);
	for (uint32_t i = 0; i < flows; i++)
		frame_for(&frames[i], i, TCP_ACK);
	struct rte_mbuf *m[PB];
	uint64_t cycles = 0, packets = 0, sent = 0;   /* sent: what the measured bursts queued for tx */
	uint64_t *burst_cycles = malloc(sizeof(uint64_t) * (bursts + 1));
	uint32_t measured = 0;
	for (uint32_t r = 0; r < bursts + flows / PB + 1; r++) {
		for (int k = 0; k < PB; k++) {
			struct frame fresh_frame;
			const struct frame *f = &frames[(r * PB + k) % flows];
			if (fresh && r > flows / PB) {
				frame_for(&fresh_frame, flows + r * PB + (uint32_t)k, TCP_SYN);
				f = &fresh_frame;
			}
			m[k] = rte_pktmbuf_alloc(dp.pool);
			memcpy(rte_pktmbuf_append(m[k], f->len), f->b, f->len);
		}
		worker_tick(w);
		uint64_t t0 = rte_rdtsc();
		pipeline_burst(w, cfg, 0, m, PB);
		if (r > flows / PB) {   /* after every flow exists */
			uint64_t c = rte_rdtsc() - t0;
			cycles += c;
			packets += PB;
			burst_cycles[measured++] = c;
		}
		for (uint16_t p = 0; p < dp.n_ports; p++) {
			if (r > flows / PB)
				sent += w->tx[p].n;
			rte_pktmbuf_free_bulk(w->tx[p].m, w->tx[p].n);
			w->tx[p].n = 0;
		}
	}
	qsort(burst_cycles, measured, sizeof(uint64_t), cmp_u64);
	printf("%u flows, %s, bursts of %d: %.1f cycles/packet in the pipeline (no PMD, no tx), median burst %.1f; "
	       "%lu of %lu sent\n",
	       flows, fresh ? "new flows" : "established", PB, (double)cycles / packets,
	       measured ? (double)burst_cycles[measured / 2] / PB : 0.0, (unsigned long)sent, (unsigned long)packets);
	free(burst_cycles);
	return 0;
}
