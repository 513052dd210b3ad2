/* SPDX-License-Identifier: Apache-2.0
 * Fast-path benchmark driver. One worker lcore, a net_pcap port replaying a capture it
 * writes itself (infinite_rx: the PMD copies each stored frame into a fresh mbuf, exactly
 * as it does for dpdk-testpmd, the baseline run on the same vdev and EAL flags).
 *
 *   bench_fastpath MODE KIND FLOWS PCAP SECONDS
 *     MODE   fullnat | nat | dsr
 *     KIND   established: the capture's flows are replayed over and over; measured after
 *                         the first pass created them
 *            new:         every frame of a 262,144-frame capture opens a flow; the capture
 *                         is read once (no infinite_rx), so its one pass is what is measured,
 *                         with FLOWS flows already in the table. Its Mpps include the PMD's
 *                         read from the file (~12 % fewer than replayed); its cycles do not
 *     FLOWS  flows in the table while measuring (the capture holds min(FLOWS, 262144) of
 *            them; the rest are opened beforehand through the same pipeline)
 *     SECONDS how long to measure; 0 only writes the capture (for the testpmd baseline)
 *
 * Prints one line: "mpps=<float> cycles_per_packet=<float> packets=<n> drops=<n>"; exits 3
 * without it when a new-flow run did not measure exactly the capture's frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include "dataplane.h"
#include "pipeline.h"
#include "worker.h"
#include "../tests/frame.h"

#define MAX_CAPTURE 262144
#define BACKENDS 64   /* 64 x 64511 SNAT ports: a million flows leave most free */
static const uint8_t PORT_MAC[6] = { 0x02, 0x67, 0x61, 0x74, 0x00, 0x01 };
static const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };

/* Flow i's client: 10.x.y.z:port, unique for i < 2^32. (10/8 never leaves the process.) */
static void client_of(uint32_t i, char *ip, size_t len, uint16_t *port)
{
	snprintf(ip, len, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
	*port = (uint16_t)(1024 + (i >> 24));
}

static void frame_for(struct frame *f, uint32_t i, uint16_t vport, uint8_t flags)
{
	char ip[32];
	uint16_t port;
	client_of(i, ip, sizeof(ip), &port);
	*f = frame_new();
	frame_eth(f, PORT_MAC, PEER_MAC);
	frame_ipv4(f, ip, "198.18.0.200", IPPROTO_TCP);
	frame_tcp(f, port, vport, flags);
	frame_payload(f, "xx");   /* 66-byte frames: 64 plus a little */
	frame_done(f);
}

static void write_capture(const char *path, uint32_t first, uint32_t n, uint16_t vport, uint8_t flags)
{
	FILE *out = fopen(path, "wb");
	if (out == NULL) {
		perror(path);
		exit(1);
	}
	uint32_t global[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	fwrite(global, 1, 24, out);
	for (uint32_t i = 0; i < n; i++) {
		struct frame f;
		frame_for(&f, first + i, vport, flags);
		uint32_t rec[4] = { 0, 0, f.len, f.len };
		fwrite(rec, 1, 16, out);
		fwrite(f.b, 1, f.len, out);
	}
	fclose(out);
}

static uint64_t counter(const char *name)
{
	uint64_t v[128];
	uint32_t n = gfwd_counter_count();
	gfwd_counters_read(v, n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(gfwd_counter_name(i), name) == 0)
			return v[i];
	return 0;
}

static uint64_t drops(void)
{
	uint64_t v[128], sum = 0;
	uint32_t n = gfwd_counter_count();
	gfwd_counters_read(v, n);
	for (uint32_t i = 0; i < n; i++)
		if (strncmp(gfwd_counter_name(i), "drop_", 5) == 0)
			sum += v[i];
	return sum;
}

/* Opens flows [first, first + n) on worker 0 before it runs, through the pipeline. */
static void preload(uint32_t first, uint32_t n, uint16_t vport)
{
	struct worker *w = dp.workers[0];
	const struct config *cfg = dp_config();
	for (uint32_t i = 0; i < n; i++) {
		struct frame f;
		frame_for(&f, first + i, vport, TCP_ACK);
		struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
		memcpy(rte_pktmbuf_append(m, f.len), f.b, f.len);
		worker_tick(w);
		pipeline_burst(w, cfg, 0, &m, 1);
		for (uint16_t p = 0; p < dp.n_ports; p++) {
			for (uint16_t k = 0; k < w->tx[p].n; k++)
				rte_pktmbuf_free(w->tx[p].m[k]);
			w->tx[p].n = 0;
		}
	}
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: bench_fastpath fullnat|nat|dsr established|new FLOWS PCAP SECONDS\n");
		return 2;
	}
	uint8_t mode = strcmp(argv[1], "nat") == 0 ? GFWD_MODE_NAT : strcmp(argv[1], "dsr") == 0 ? GFWD_MODE_DSR
												: GFWD_MODE_FULLNAT;
	int fresh = strcmp(argv[2], "new") == 0;
	uint32_t flows = (uint32_t)strtoul(argv[3], NULL, 10);
	const char *pcap = argv[4];
	double seconds = atof(argv[5]);
	/* New flows: always a full capture of fresh tuples, measured over its one pass. */
	uint32_t captured = fresh || flows > MAX_CAPTURE ? MAX_CAPTURE : flows;
	uint16_t vport = mode == GFWD_MODE_DSR ? 8080 : 80;

	/* New flows: the capture's tuples come after the preloaded ones. */
	uint32_t preloaded = fresh ? flows : flows - captured;
	write_capture(pcap, fresh ? flows : 0, captured, vport, fresh ? TCP_SYN : TCP_ACK);
	if (seconds == 0)
		return 0;   /* only the capture, for the baseline */

	char vdev[512], prefix[64];
	/* A new-flow run reads its capture once: replayed, its second pass (established flows) would
	 * follow at once, and a poller the scheduler put aside for a moment would count it too (on a
	 * busy machine that refused three runs in a row). */
	snprintf(vdev, sizeof(vdev), "net_pcap0,rx_pcap=%s%s", pcap, fresh ? "" : ",infinite_rx=1");
	snprintf(prefix, sizeof(prefix), "gatun-bench-%d", getpid());
	/* Memory flags as testpmd gets them: BENCH_MEMORY, e.g. "-m 3072" (hugepages) or
	 * "--no-huge -m 3072". */
	char memory[128];
	snprintf(memory, sizeof(memory), "%s", getenv("BENCH_MEMORY") ? getenv("BENCH_MEMORY") : "--no-huge -m 3072");
	char *eal[32] = { argv[0], "-l", "0-1", "--no-pci", "--no-shconf", "--no-telemetry", "--file-prefix", prefix,
			  "--vdev", vdev, "--log-level", "*:error" };
	int n_eal = 12;
	for (char *tok = strtok(memory, " "); tok != NULL && n_eal < 31; tok = strtok(NULL, " "))
		eal[n_eal++] = tok;
	if (gfwd_init(n_eal, eal) != 0) {
		fprintf(stderr, "gfwd_init: %s\n", gfwd_last_error());
		return 1;
	}
	struct gfwd_port_conf pc = { .v4 = { .family = 4, .prefix_len = 24 }, .has_mac = 1 };
	snprintf(pc.devargs, sizeof(pc.devargs), "net_pcap0");
	memcpy(pc.mac, PORT_MAC, 6);
	inet_pton(AF_INET, "198.18.0.2", pc.v4.addr);
	if (gfwd_port_add(&pc) != 0) {
		fprintf(stderr, "port: %s\n", gfwd_last_error());
		return 1;
	}
	struct gfwd_backend b[BACKENDS];
	for (int i = 0; i < BACKENDS; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 11 + i);   /* .11-.74 */
		b[i] = (struct gfwd_backend){ .family = 4, .port = vport == 80 ? 8080 : vport, .weight = 1 };
		inet_pton(AF_INET, ip, b[i].addr);
		uint8_t mac[6] = { 2, 0, 0, 0, 1, (uint8_t)i };
		gfwd_neighbor_set(4, b[i].addr, mac);
	}
	struct gfwd_service s = { .family = 4, .proto = IPPROTO_TCP, .port = vport, .mode = mode,
				  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537, .first_backend = 0,
				  .n_backends = BACKENDS };
	inet_pton(AF_INET, "198.18.0.200", s.vip);
	if (gfwd_commit(1, &s, 1, b, BACKENDS, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		return 1;
	}
	preload(fresh ? 0 : captured, preloaded, vport);
	/* The idle back-off's cost (GATUN_IDLE_SLEEP_US, as the agent's --idle-sleep-us): dataplane.sh
	 * measures with it on beside off. */
	const char *idle = getenv("GATUN_IDLE_SLEEP_US");
	if (idle != NULL && gfwd_idle_sleep_set((uint32_t)strtoul(idle, NULL, 10)) != 0) {
		fprintf(stderr, "idle sleep: %s\n", gfwd_last_error());
		return 1;
	}

	/* The counters' starting values come before the worker starts (the preload went through
	 * them), so no new flow is missed; the established kind takes its own after warming. */
	uint64_t before = counter("rx_packets");
	uint64_t rx0 = before, cyc0 = counter("busy_cycles"), pk0 = counter("burst_packets");
	if (gfwd_start() != 1) {
		fprintf(stderr, "start: %s\n", gfwd_last_error());
		return 1;
	}
	double t0 = now_s();
	double start = t0;
	if (!fresh) {
		/* Warm: one full pass opens the captured flows. */
		while (counter("rx_packets") < 2ull * captured && now_s() - t0 < 60)
			usleep(10000);
		start = now_s();
		rx0 = counter("rx_packets");
		cyc0 = counter("busy_cycles");
		pk0 = counter("burst_packets");
		usleep((useconds_t)(seconds * 1e6));
	} else {
		/* From the first packet to the capture's last: every packet a new flow. */
		while (counter("rx_packets") == before && now_s() - t0 < 10)
			;
		start = now_s();
		while (counter("rx_packets") < before + captured && now_s() - t0 < 60)
			;
	}
	double elapsed = now_s() - start;
	uint64_t rx = counter("rx_packets") - rx0;
	uint64_t cycles = counter("busy_cycles") - cyc0, packets = counter("burst_packets") - pk0;
	const struct flow_table *ft = dp.workers[0]->flows;
	/* The flows, their index and the backend-address table, per flow the table holds. */
	double state = sizeof(struct flow) +
		       ((double)ft->n_buckets * sizeof(struct flow_bucket) +
			FLOW_ADDRS * (sizeof(struct addr) + sizeof(struct flow_addr_meta))) / ft->capacity;
	/* Exactly the capture's frames, each a new flow, or no figure (a run that timed out). */
	if (fresh && packets != captured) {
		fprintf(stderr, "the capture's one pass measured %lu packets for %u new flows; no figure\n",
			(unsigned long)packets, captured);
		gfwd_shutdown();
		unlink(pcap);
		return 3;
	}
	printf("mpps=%.3f cycles_per_packet=%.1f packets=%lu drops=%lu new_flows=%lu state_bytes_per_flow=%.0f\n",
	       rx / elapsed / 1e6, packets ? (double)cycles / packets : 0.0, (unsigned long)rx, (unsigned long)drops(),
	       (unsigned long)counter("new_flows"), state);
	gfwd_shutdown();
	unlink(pcap);
	return 0;
}
