/* SPDX-License-Identifier: Apache-2.0
 * Open-connection counts stay exact across commits under traffic. Least connections
 * schedules on each worker's count of open flows per backend; a worker changes it on every
 * new and every ending flow, and a commit must keep it (its slot, traffic.h). A real
 * worker opens connections non-stop into a small flow table (so flows are also evicted,
 * and counts go down as often as up) while another thread commits 2,000 times. Afterwards
 * every backend's count must equal the flows its worker's table holds for it. */
#include <pthread.h>
#include <stdlib.h>
#include "dataplane.h"
#include "lcore.h"
#include "live.h"

#define VIP "198.18.0.200"
#define SERVICES 32
#define BACKENDS 4           /* per service, the same four for each */
#define COMMITS 2000
#define TABLE "512"

static volatile int churning;
static int commits_done;

static int commit(uint64_t g)
{
	struct gfwd_backend b[BACKENDS];
	for (int i = 0; i < BACKENDS; i++) {
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 11 + i);
		b[i] = (struct gfwd_backend){ .family = GFWD_AF_INET, .port = 8080, .weight = 1 };
		inet_pton(AF_INET, ip, b[i].addr);
	}
	struct gfwd_service s[SERVICES];
	for (int i = 0; i < SERVICES; i++) {
		s[i] = (struct gfwd_service){ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = (uint16_t)(80 + i),
					      .mode = GFWD_MODE_FULLNAT, .sched = GFWD_SCHED_LEAST_CONNECTIONS,
					      .maglev_size = 251, .n_backends = BACKENDS };
		inet_pton(AF_INET, VIP, s[i].vip);
	}
	return gfwd_commit(g, s, SERVICES, b, BACKENDS, NULL, 0);
}

static void *churn(void *arg)
{
	(void)arg;
	for (uint64_t g = 2; g < 2 + COMMITS; g++) {
		if (commit(g) != 0) {
			fprintf(stderr, "commit %lu: %s\n", (unsigned long)g, gfwd_last_error());
			break;
		}
		commits_done++;
	}
	churning = 0;
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	setenv("GATUN_FLOWS", TABLE, 1);
	live_init(argv[0], "0@0,1@1");
	for (int i = 0; i < BACKENDS; i++) {
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 11 + i);
		static_neighbor(ip, (uint8_t)(11 + i));
	}
	if (commit(1) != 0)
		die("commit");
	if (gfwd_start() != 1)
		die("start");

	pthread_t t;
	churning = 1;
	pthread_create(&t, NULL, churn, NULL);
	uint64_t sent = 0, received = 0;
	struct frame out = frame_new();
	for (uint32_t n = 0; churning; n++) {
		char ip[20];
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
		struct frame f = frame_new();
		frame_eth(&f, PORT_MAC, CLIENT_MAC);
		frame_ipv4(&f, ip, VIP, IPPROTO_TCP);
		frame_tcp(&f, 1024, (uint16_t)(80 + n % SERVICES), TCP_SYN);
		frame_done(&f);
		while (gfwd_ring_inject(0, f.b, f.len) != 0)
			received += (uint64_t)collect(&out, 0);   /* ring full: make room */
		sent++;
		while (gfwd_ring_collect(0, out.b, sizeof(out.b)) > 0)
			received++;
	}
	pthread_join(t, NULL);
	/* What the worker still owes: every SYN comes out or was counted at a full tx ring. */
	double deadline = now_s() + PATIENCE_S;
	while (received + counter("drop_tx_queue_full") < sent && now_s() < deadline)
		received += (uint64_t)collect(&out, 0);
	gfwd_stop();   /* the table and the counts hold still from here */

	struct gfwd_service_traffic svc[SERVICES];
	struct gfwd_backend_traffic be[SERVICES * BACKENDS];
	CHECK(gfwd_traffic_read(svc, SERVICES, be, SERVICES * BACKENDS) == SERVICES, "traffic read");
	const struct flow_table *ft = dp.workers[0]->flows;
	uint64_t held[SERVICES][BACKENDS] = { { 0 } }, wrong = 0;
	for (uint32_t i = 0; i < ft->capacity; i++) {
		const struct flow *f = &ft->flows[i];
		if (f->proto != 0)
			held[rte_be_to_cpu_16(f->vport) - 80][flow_backend_addr(ft, f)->b[3] - 11]++;
	}
	for (int s = 0; s < SERVICES; s++) {
		uint64_t total = 0;
		for (int i = 0; i < BACKENDS; i++) {
			const struct gfwd_backend_traffic *b = &be[svc[s].first_backend + (uint32_t)i];
			uint64_t want = held[svc[s].port - 80][b->addr[3] - 11];
			CHECK(b->active_flows == want, "port %u, backend .%u counts %lu open connections, its flows are %lu",
			      svc[s].port, b->addr[3], (unsigned long)b->active_flows, (unsigned long)want);
			wrong += b->active_flows != want;
			total += want;
		}
		CHECK(svc[s].active_flows == total, "port %u counts %lu open connections, its flows are %lu", svc[s].port,
		      (unsigned long)svc[s].active_flows, (unsigned long)total);
		wrong += svc[s].active_flows != total;
	}
	printf("open-connection counts: %d commits while %lu connections opened (%lu forwarded, %lu evicted); "
	       "%lu of %d counts wrong\n", commits_done, (unsigned long)sent, (unsigned long)received,
	       (unsigned long)ft->evicted, (unsigned long)wrong, SERVICES * (BACKENDS + 1));
	CHECK(commits_done == COMMITS, "all %d commits applied (%d)", COMMITS, commits_done);
	/* The ring port's tx ring may overflow while this thread waits for the CPU it shares
	 * with the committing one: those SYNs still opened their flows. Nothing else drops. */
	uint64_t tx_full = counter("drop_tx_queue_full");
	CHECK(drops_total() == tx_full, "nothing dropped but at a full tx ring (%lu of %lu)",
	      (unsigned long)(drops_total() - tx_full), (unsigned long)drops_total());
	CHECK(received + tx_full == sent, "every SYN forwarded (%lu + %lu of %lu)", (unsigned long)received,
	      (unsigned long)tx_full, (unsigned long)sent);
	gfwd_shutdown();
	printf("test_counts: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
