/* SPDX-License-Identifier: Apache-2.0
 * Updates without loss: a real worker forwards established flows continuously while
 * another thread commits 1,000 configurations (backends added and removed, a service
 * appearing and disappearing). Every packet that should be forwarded is, to the backend
 * and SNAT port its flow had before. */
#include <pthread.h>
#include "live.h"

#define VIP "198.18.0.200"
#define VIP2 "198.18.0.201"
#define FLOWS 256
#define COMMITS 1000

static volatile int churning;
static int commits_done;

static struct gfwd_backend backend(const char *ip, uint16_t port)
{
	struct gfwd_backend b = { .family = GFWD_AF_INET, .port = port, .weight = 1 };
	inet_pton(AF_INET, ip, b.addr);
	return b;
}

static struct gfwd_service service(const char *vip, uint16_t port, uint32_t first, uint32_t n)
{
	struct gfwd_service s = { .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = port,
				  .mode = GFWD_MODE_FULLNAT, .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537,
				  .first_backend = first, .n_backends = n };
	inet_pton(AF_INET, vip, s.vip);
	return s;
}

/* Commit g: VIP keeps .11-.13 (where the flows are) and gains .14 on even ones; VIP2 flips between
 * one and three backends; VIP2:8080 exists every third commit. */
static int commit_number(uint64_t g)
{
	struct gfwd_backend b[16];
	uint32_t n = 0;
	b[n++] = backend("198.18.0.11", 8080);
	b[n++] = backend("198.18.0.12", 8080);
	b[n++] = backend("198.18.0.13", 8080);
	if (g % 2 == 0)
		b[n++] = backend("198.18.0.14", 8080);
	uint32_t vip_n = n;
	b[n++] = backend("198.18.0.12", 9090);
	if (g & 2) {
		b[n++] = backend("198.18.0.13", 9090);
		b[n++] = backend("198.18.0.14", 9090);
	}
	struct gfwd_service s[3] = {
		service(VIP, 80, 0, vip_n),
		service(VIP2, 80, vip_n, n - vip_n),
		service(VIP2, 8080, vip_n, 1),
	};
	return gfwd_commit(g, s, g % 3 == 0 ? 3 : 2, b, n, NULL, 0);
}

static void *churn(void *arg)
{
	(void)arg;
	for (uint64_t g = 2; g < 2 + COMMITS; g++) {
		if (commit_number(g) != 0) {
			fprintf(stderr, "commit %lu: %s\n", (unsigned long)g, gfwd_last_error());
			break;
		}
		commits_done++;
	}
	churning = 0;
	return NULL;
}

static void tcp_to_vip(struct frame *f, uint16_t sport, uint8_t flags)
{
	*f = frame_new();
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, "198.18.0.100", VIP, IPPROTO_TCP);
	frame_tcp(f, sport, 80, flags);
	frame_done(f);
}

int main(int argc, char **argv)
{
	(void)argc;
	live_init(argv[0], "0@0,1@1");
	for (uint8_t i = 11; i <= 14; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "198.18.0.%u", i);
		static_neighbor(ip, i);
	}
	if (commit_number(1) != 0)
		die("commit");
	if (gfwd_start() != 1)
		die("start");

	/* Open the flows and remember where each went. */
	uint8_t backend_of[FLOWS];
	uint16_t snat_of[FLOWS];
	for (int i = 0; i < FLOWS; i++) {
		struct frame f;
		tcp_to_vip(&f, (uint16_t)(20000 + i), TCP_SYN);
		gfwd_ring_inject(0, f.b, f.len);
		struct frame out = frame_new();
		if (!collect(&out, PATIENCE_S))
			die("no SYN forwarded");
		backend_of[i] = out.b[14 + 19];
		snat_of[i] = get16(out.b + 14 + 20);
	}

	pthread_t t;
	churning = 1;
	pthread_create(&t, NULL, churn, NULL);
	uint64_t sent = 0, received = 0, misrouted = 0, rounds = 0;
	while (churning || rounds < 3) {
		for (int i = 0; i < FLOWS; i++) {
			struct frame f;
			tcp_to_vip(&f, (uint16_t)(20000 + i), TCP_ACK);
			while (gfwd_ring_inject(0, f.b, f.len) != 0)
				;   /* ring full: the worker drains it */
			sent++;
		}
		for (int i = 0; i < FLOWS; i++) {
			struct frame out = frame_new();
			if (!collect(&out, PATIENCE_S))
				break;
			received++;
			uint16_t port = get16(out.b + 14 + 20);
			int flow = -1;
			for (int k = 0; k < FLOWS; k++)
				if (snat_of[k] == port)
					flow = k;
			if (flow < 0 || out.b[14 + 19] != backend_of[flow])
				misrouted++;
		}
		rounds++;
	}
	pthread_join(t, NULL);

	printf("zero-loss updates: %d commits while %lu packets were sent in %lu rounds: %lu forwarded, %lu lost, %lu misrouted\n",
	       commits_done, (unsigned long)sent, (unsigned long)rounds, (unsigned long)received,
	       (unsigned long)(sent - received), (unsigned long)misrouted);
	CHECK(commits_done == COMMITS, "all %d commits applied (%d)", COMMITS, commits_done);
	CHECK(gfwd_commit_seq() == 1 + COMMITS, "the last commit runs (%lu)", (unsigned long)gfwd_commit_seq());
	CHECK(sent == received, "no packet lost (%lu sent, %lu forwarded)", (unsigned long)sent, (unsigned long)received);
	CHECK(misrouted == 0, "every flow kept its backend and SNAT port (%lu moved)", (unsigned long)misrouted);
	CHECK(drops_total() == 0, "nothing dropped (%lu)", (unsigned long)drops_total());
	CHECK(counter("flows_rescheduled") == 0, "no flow rescheduled");
	gfwd_shutdown();
	printf("test_updates: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
