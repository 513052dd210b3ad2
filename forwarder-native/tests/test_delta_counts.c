/* SPDX-License-Identifier: Apache-2.0
 * Traffic counts stay exact across delta commits under traffic (issue 15). Two real workers
 * forward UDP datagrams of 1,024 flows spread over 16 services while another thread makes
 * 500 commits, nearly all gfwd_commit_delta of one service (one of its five backends removed,
 * which moves that backend's flows to the others, or added back, or drained and back) and now
 * and then a full commit; a 17th service without traffic is removed and added again.
 *
 * Every service keeps its counter slots from one commit to the next: after each commit the
 * services it did not name have the very same slots, the changed service its own and those of
 * the backends it kept; the slots in use are exactly the running services' and backends'
 * (none leaked, none given back while held). Afterwards each service has counted exactly the
 * datagrams sent to it, packets and bytes, none twice and none lost, though a worker may count
 * a datagram in the configuration before or after any commit. */
#include <pthread.h>
#include <stdlib.h>
#include "dataplane.h"
#include "live.h"
#include "random.h"

#define VIP "198.18.0.200"
#define SERVICES 16          /* ports 80..95, with traffic */
#define SPARE_PORT 200       /* the 17th, without traffic: removed and added again */
#define CLIENTS 64           /* flows per service */
#define COMMITS 500

static uint8_t present[SERVICES];   /* bit j: backend 198.18.0.(11 + j) is in */
static uint8_t drained[SERVICES];   /* bit j: and draining */
static int spare_on;
static volatile int churning;
static int commits_done, slots_moved, slots_wrong;

static void put_service(struct gfwd_service *s, uint16_t port, struct gfwd_backend *b, uint32_t *nb, uint8_t in,
			uint8_t drain)
{
	*s = (struct gfwd_service){ .family = GFWD_AF_INET, .proto = IPPROTO_UDP, .port = port,
				    .mode = GFWD_MODE_FULLNAT, .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251,
				    .first_backend = *nb };
	inet_pton(AF_INET, VIP, s->vip);
	for (uint32_t j = 0; j < 5; j++) {
		if (!(in >> j & 1))
			continue;
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%u", 11 + j);
		b[*nb] = (struct gfwd_backend){ .family = GFWD_AF_INET, .port = 8080, .weight = 1,
						.flags = drain >> j & 1 ? GFWD_BACKEND_DRAINING : 0 };
		inet_pton(AF_INET, ip, b[(*nb)++].addr);
		s->n_backends++;
	}
}

/* Some backend of service i removed (if three others serve), added back, or drained or back. */
static void change(int i, uint64_t r)
{
	uint8_t bit = (uint8_t)(1u << (r % 5));
	if ((r >> 8) % 3 == 0) {
		drained[i] ^= bit;
	} else if (!(present[i] & bit)) {
		present[i] |= bit;
		drained[i] &= (uint8_t)~bit;
	} else if (__builtin_popcount(present[i] & (uint8_t)~drained[i] & (uint8_t)~bit) >= 3) {
		present[i] &= (uint8_t)~bit;
	}
}

static int full_commit(uint64_t seq)
{
	struct gfwd_service s[SERVICES + 1];
	struct gfwd_backend b[(SERVICES + 1) * 5];
	uint32_t n = 0, nb = 0;
	for (int i = 0; i < SERVICES; i++)
		put_service(&s[n++], (uint16_t)(80 + i), b, &nb, present[i], drained[i]);
	if (spare_on)
		put_service(&s[n++], SPARE_PORT, b, &nb, 0x1f, 0);
	return gfwd_commit(seq, s, n, b, nb, NULL, 0);
}

/* Counter slots by service (port) and backend (port, last octet): TRAFFIC_NONE where none runs. */
struct slots {
	uint32_t service[SPARE_PORT + 1];
	uint32_t backend[SPARE_PORT + 1][16];
};

static void slots_of(const struct config *c, struct slots *out)
{
	memset(out, 0xff, sizeof(*out));
	for (uint32_t i = 0; i < c->svc_end; i++) {
		if (!config_runs(c, i))
			continue;
		const struct service *s = &c->services[i];
		uint16_t port = rte_be_to_cpu_16(s->port);
		out->service[port] = s->counter;
		for (uint32_t j = 0; j < s->n_backends; j++) {
			const struct backend *b = &c->backends[s->first_backend + j];
			out->backend[port][b->addr.b[3] - 11] = b->counter;
		}
	}
}

/* The slots a commit that changed only the service of `port` must leave as they were:
 * every other service's, and the named one's for what it kept. */
static void compare_slots(const struct slots *before, const struct slots *after, uint16_t port)
{
	for (uint32_t p = 0; p <= SPARE_PORT; p++) {
		if (before->service[p] == TRAFFIC_NONE || after->service[p] == TRAFFIC_NONE)
			continue;
		slots_moved += p != port && memcmp(before->backend[p], after->backend[p], sizeof(before->backend[p])) != 0;
		slots_moved += before->service[p] != after->service[p];
		for (int j = 0; j < 16; j++)
			slots_moved += before->backend[p][j] != TRAFFIC_NONE && after->backend[p][j] != TRAFFIC_NONE &&
				       before->backend[p][j] != after->backend[p][j];
	}
}

static void *churn(void *arg)
{
	(void)arg;
	uint64_t rng = 0x2545f4914f6cdd1dull;
	struct slots before, after;
	for (uint64_t seq = 2; seq < 2 + COMMITS; seq++) {
		xorshift64(&rng);
		int i = (int)(rng % SERVICES), rc;
		uint16_t named = (uint16_t)(80 + i);
		slots_of(dp_config(), &before);
		if (seq % 100 == 0) {   /* a reconnect: the whole state */
			change(i, rng >> 16);
			rc = full_commit(seq);
		} else if (seq % 10 == 0) {   /* the spare service leaves or comes back */
			named = SPARE_PORT;
			spare_on ^= 1;
			struct gfwd_service s;
			struct gfwd_backend b[5];
			uint32_t nb = 0;
			put_service(&s, SPARE_PORT, b, &nb, 0x1f, 0);
			struct gfwd_service_id gone = { .family = GFWD_AF_INET, .proto = IPPROTO_UDP, .port = SPARE_PORT };
			memcpy(gone.vip, s.vip, 16);
			rc = spare_on ? gfwd_commit_delta(seq, &s, 1, b, nb, NULL, 0, NULL, 0)
				      : gfwd_commit_delta(seq, NULL, 0, NULL, 0, &gone, 1, NULL, 0);
		} else {
			change(i, rng >> 16);
			struct gfwd_service s;
			struct gfwd_backend b[5];
			uint32_t nb = 0;
			put_service(&s, named, b, &nb, present[i], drained[i]);
			rc = gfwd_commit_delta(seq, &s, 1, b, nb, NULL, 0, NULL, 0);
		}
		if (rc != 0) {
			fprintf(stderr, "commit %lu: %d %s\n", (unsigned long)seq, rc, gfwd_last_error());
			break;
		}
		const struct config *c = dp_config();
		slots_of(c, &after);
		compare_slots(&before, &after, named);
		slots_wrong += traffic_in_use() != c->n_services + c->n_backends;
		commits_done++;
	}
	churning = 0;
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	live_init(argv[0], "0@0,1@1,2@1");   /* two workers; two cores is all CI has */
	for (int i = 0; i < 5; i++) {
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 11 + i);
		static_neighbor(ip, (uint8_t)(11 + i));
	}
	memset(present, 0x1f, sizeof(present));
	if (full_commit(1) != 0)
		die("commit");
	if (gfwd_start() != 2)
		die("start");

	pthread_t t;
	churning = 1;
	pthread_create(&t, NULL, churn, NULL);
	uint64_t sent[SERVICES] = { 0 }, total = 0, received = 0;
	uint32_t len = 0;
	struct frame out = frame_new();
	for (uint32_t n = 0; churning; n++) {
		uint32_t svc = n % SERVICES, client = n / SERVICES % CLIENTS;
		char ip[20];
		snprintf(ip, sizeof(ip), "10.1.%u.%u", svc, client + 1);
		struct frame f = frame_new();
		frame_eth(&f, PORT_MAC, CLIENT_MAC);
		frame_ipv4(&f, ip, VIP, IPPROTO_UDP);
		frame_udp(&f, 5000, (uint16_t)(80 + svc));
		frame_payload(&f, "count me once");
		frame_done(&f);
		len = f.len;
		while (gfwd_ring_inject_queue(0, (uint16_t)(client % 2), f.b, f.len) != 0)
			received += (uint64_t)collect(&out, 0);   /* ring full: make room */
		sent[svc]++;
		total++;
		while (gfwd_ring_collect(0, out.b, sizeof(out.b)) > 0)
			received++;
	}
	pthread_join(t, NULL);
	double deadline = now_s() + PATIENCE_S;
	while (received + counter("drop_tx_queue_full") < total && now_s() < deadline)
		received += (uint64_t)collect(&out, 0);
	gfwd_stop();   /* the counts hold still from here */

	CHECK(commits_done == COMMITS, "all %d commits applied (%d)", COMMITS, commits_done);
	CHECK(slots_moved == 0, "%d counter slots of what a commit kept were not the same after it", slots_moved);
	CHECK(slots_wrong == 0, "%d commits left slots in use other than the running services' and backends'",
	      slots_wrong);
	uint32_t n_svc, n_be;
	gfwd_traffic_sizes(&n_svc, &n_be);
	struct gfwd_service_traffic svc[SERVICES + 1];
	struct gfwd_backend_traffic be[(SERVICES + 1) * 5];
	CHECK(gfwd_traffic_read(svc, SERVICES + 1, be, (SERVICES + 1) * 5) == (int)n_svc, "traffic read");
	uint64_t counted = 0, wrong = 0;
	for (uint32_t i = 0; i < n_svc; i++) {
		if (svc[i].port == SPARE_PORT) {
			CHECK(svc[i].packets == 0, "the spare service counted %lu packets, none was sent to it",
			      (unsigned long)svc[i].packets);
			continue;
		}
		uint64_t want = sent[svc[i].port - 80], in_backends = 0;
		for (uint32_t j = 0; j < svc[i].n_backends; j++)
			in_backends += be[svc[i].first_backend + j].packets;
		CHECK(svc[i].packets == want && svc[i].bytes == want * len,
		      "port %u counted %lu packets, %lu bytes; %lu of %u bytes were sent", svc[i].port,
		      (unsigned long)svc[i].packets, (unsigned long)svc[i].bytes, (unsigned long)want, len);
		CHECK(in_backends <= svc[i].packets, "port %u: its backends counted %lu, more than its %lu", svc[i].port,
		      (unsigned long)in_backends, (unsigned long)svc[i].packets);
		wrong += svc[i].packets != want;
		counted += svc[i].packets;
	}
	printf("delta counts: %d commits while %lu datagrams were forwarded (%lu collected); %lu counted, "
	       "%lu services wrong, %d slots moved\n", commits_done, (unsigned long)total, (unsigned long)received,
	       (unsigned long)counted, (unsigned long)wrong, slots_moved);
	CHECK(counted == total, "every datagram counted once (%lu of %lu)", (unsigned long)counted,
	      (unsigned long)total);
	uint64_t tx_full = counter("drop_tx_queue_full");
	CHECK(drops_total() == tx_full, "nothing dropped but at a full tx ring (%lu of %lu)",
	      (unsigned long)(drops_total() - tx_full), (unsigned long)drops_total());
	gfwd_shutdown();
	printf("test_delta_counts: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
