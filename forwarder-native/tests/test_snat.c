/* SPDX-License-Identifier: Apache-2.0
 * Full NAT source ports (snat.h): the pools on their own — every port of the share handed
 * out once, exhaustion, reuse after release and only after the others, pools of different
 * backends independent, a full pool table recovering, and a random run against a model —
 * then through the pipeline: a flow's end frees its port, and under churn no two live flows
 * share (SNAT address, SNAT port, backend, backend port). */
#include "harness.h"

#define SHARE 100

static struct snat_key key_n(uint32_t n)
{
	return (struct snat_key){ .backend = addr_v4(rte_cpu_to_be_32(0xc6120000u | n)),
				  .backend_port = rte_cpu_to_be_16(8080), .proto = IPPROTO_TCP,
				  .family = GFWD_AF_INET };
}

static uint16_t host(uint16_t be)
{
	return rte_be_to_cpu_16(be);
}

static void pools_alone(void)
{
	struct snat_ports sp;
	CHECK(snat_ports_init(&sp, 2000, 2000 + SHARE - 1, 0) == 0, "pools created");
	struct snat_key a = key_n(1), b = key_n(2);
	int in_order = 1;
	for (uint32_t i = 0; i < SHARE; i++)
		in_order &= host(snat_port_take(&sp, &a)) == 2000 + i;
	CHECK(in_order, "the whole share, once each, in order");
	CHECK(snat_port_take(&sp, &a) == 0 && snat_ports_live(&sp, &a) == SHARE, "then exhausted");
	CHECK(host(snat_port_take(&sp, &b)) == 2000, "another backend has ports of its own");

	snat_port_release(&sp, &a, rte_cpu_to_be_16(2042));
	CHECK(snat_ports_live(&sp, &a) == SHARE - 1, "a release frees one");
	CHECK(host(snat_port_take(&sp, &a)) == 2042, "the freed port is the one taken next");
	snat_port_release(&sp, &a, rte_cpu_to_be_16(2042));
	snat_port_release(&sp, &a, rte_cpu_to_be_16(2042));
	snat_port_release(&sp, &a, rte_cpu_to_be_16(1999));
	snat_port_release(&sp, &b, rte_cpu_to_be_16(2001));
	CHECK(snat_ports_live(&sp, &a) == SHARE - 1 && snat_ports_live(&sp, &b) == 1,
	      "releasing a free port, one outside the share or another pool's changes nothing");

	/* A released port waits while others are free: the cursor moves on. */
	for (uint32_t i = 0; i < SHARE; i++)
		snat_port_release(&sp, &a, rte_cpu_to_be_16((uint16_t)(2000 + i)));
	CHECK(snat_ports_live(&sp, &a) == 0, "all back");
	uint16_t first = host(snat_port_take(&sp, &a));
	snat_port_release(&sp, &a, rte_cpu_to_be_16(first));
	uint16_t second = host(snat_port_take(&sp, &a));
	CHECK(second != first, "a just-released port is not reused while others are free (%u, %u)", first, second);

	CHECK(snat_port_claim(&sp, &b, rte_cpu_to_be_16(2050)) && snat_ports_live(&sp, &b) == 2, "a port claimed");
	CHECK(snat_port_claim(&sp, &b, rte_cpu_to_be_16(2050)) && snat_ports_live(&sp, &b) == 2, "claimed twice: once");
	CHECK(!snat_port_claim(&sp, &b, rte_cpu_to_be_16(3000)), "a port outside the share is not claimed");
	int skipped = 1;
	for (int i = 0; i < SHARE - 2; i++)
		skipped &= host(snat_port_take(&sp, &b)) != 2050;
	CHECK(skipped && snat_port_take(&sp, &b) == 0, "a claimed port is never handed out");
	snat_ports_free(&sp);
}

/* More keys than pool entries (and than bitmaps in the budget), a port each: some are
 * refused (counted as exhaustion by the pipeline), none gets a port twice; once every port
 * is back, every key gets one again. */
static void pool_table_full(void)
{
	struct snat_ports sp;
	CHECK(snat_ports_init(&sp, 2000, 2063, 0) == 0, "pools created");
	enum { KEYS = SNAT_POOLS + SNAT_POOLS / 4 };
	static uint16_t got[KEYS];
	uint32_t refused = 0;
	for (uint32_t n = 0; n < KEYS; n++) {
		struct snat_key k = key_n(n);
		got[n] = snat_port_take(&sp, &k);
		refused += got[n] == 0;
	}
	CHECK(refused >= KEYS - SNAT_POOLS, "a full pool table refuses (%u of %u)", refused, (unsigned)KEYS);
	CHECK(KEYS - refused <= sp.n_bitmaps, "never more pools with ports than bitmaps in the budget (%u, %u)",
	      KEYS - refused, sp.n_bitmaps);
	int once = 1;
	for (uint32_t n = 0; n < KEYS; n++) {
		struct snat_key k = key_n(n);
		once &= snat_ports_live(&sp, &k) == (got[n] != 0);
		if (got[n] != 0)
			snat_port_release(&sp, &k, got[n]);
	}
	CHECK(once, "each key holds exactly what it was given");
	uint32_t again = 0;
	for (uint32_t n = SNAT_POOLS; n < KEYS; n++) {
		struct snat_key k = key_n(n);
		again += snat_port_take(&sp, &k) != 0;
	}
	CHECK(again == KEYS - SNAT_POOLS, "emptied pools serve other keys (%u of %u)", again, (unsigned)(KEYS - SNAT_POOLS));
	snat_ports_free(&sp);
}

/* Random takes and releases over a few keys, against a model of who holds what. */
static void against_a_model(void)
{
	enum { KEYS = 5, STEPS = 200000 };
	struct snat_ports sp;
	CHECK(snat_ports_init(&sp, 5000, 5000 + SHARE - 1, 0) == 0, "pools created");
	static uint8_t held[KEYS][SHARE];
	uint32_t count[KEYS] = { 0 };
	uint64_t x = 88172645463325252ull;
	int ok = 1;
	for (int s = 0; s < STEPS && ok; s++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint32_t k = (uint32_t)(x % KEYS);
		struct snat_key key = key_n(k);
		if ((x >> 8) % 3 != 0) {
			uint16_t p = snat_port_take(&sp, &key);
			if (p == 0) {
				ok &= count[k] == SHARE;
			} else {
				uint32_t off = host(p) - 5000u;
				ok &= off < SHARE && !held[k][off];
				held[k][off % SHARE] = 1;
				count[k]++;
			}
		} else {
			uint32_t off = (uint32_t)(x >> 16) % SHARE;
			snat_port_release(&sp, &key, rte_cpu_to_be_16((uint16_t)(5000 + off)));
			count[k] -= held[k][off];
			held[k][off] = 0;
		}
		ok &= snat_ports_live(&sp, &key) == count[k];
	}
	CHECK(ok, "200,000 random steps: never a held port, exhausted only when full, counts agree");
	snat_ports_free(&sp);
}

/* ---------------------------------------------------------------- through the pipeline */

static void syn_from(struct frame *f, uint32_t client, uint16_t port)
{
	char ip[32];
	snprintf(ip, sizeof(ip), "198.19.%u.%u", (client >> 8) & 0xff, client & 0xff);
	*f = frame_new();
	frame_eth(f, PORT_MAC, (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x64 });
	frame_ipv4(f, ip, "198.18.0.200", IPPROTO_TCP);
	frame_tcp(f, port, 80, TCP_SYN);
	frame_done(f);
}

/* Sends one SYN through w; the flow it opened, or NULL when it was dropped. */
static struct flow *open_flow(struct worker *w, uint32_t client, uint16_t port)
{
	struct frame f;
	syn_from(&f, client, port);
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	memcpy(rte_pktmbuf_append(m, f.len), f.b, f.len);
	worker_tick(w);
	pipeline_burst(w, dp_config(), 0, &m, 1);
	int sent = w->tx[0].n;
	rte_pktmbuf_free_bulk(w->tx[0].m, w->tx[0].n);
	w->tx[0].n = 0;
	if (sent == 0)
		return NULL;
	struct flow_key k = { .src = addr_v4(rte_cpu_to_be_32(0xc6130000u | (client & 0xffff))),
			      .dst = addr_v4(rte_cpu_to_be_32(0xc61200c8u)),   /* 198.18.0.200 */
			      .sport = rte_cpu_to_be_16(port), .dport = rte_cpu_to_be_16(80), .proto = IPPROTO_TCP,
			      .family = GFWD_AF_INET };
	enum flow_dir dir;
	return flow_lookup(w->flows, &k, flow_key_hash(&k), w->now, &dir);
}

/* No two live full-NAT flows answer to the same tuple. */
static int tuples_distinct(const struct flow_table *ft)
{
	static uint8_t seen[4][65536];
	memset(seen, 0, sizeof(seen));
	for (uint32_t i = 0; i < ft->capacity; i++) {
		const struct flow *f = &ft->flows[i];
		if (f->proto == 0)
			continue;
		uint32_t b = rte_be_to_cpu_32(flow_backend_addr(ft, f)->v4) & 3;
		if (seen[b][rte_be_to_cpu_16(f->snat_port)]++)
			return 0;
	}
	return 1;
}

static void through_the_pipeline(void)
{
	struct gfwd_backend b[2] = { { .family = 4, .port = 8080, .weight = 1 }, { .family = 4, .port = 8080, .weight = 1 } };
	inet_pton(AF_INET, "198.18.0.11", b[0].addr);
	inet_pton(AF_INET, "198.18.0.12", b[1].addr);
	gfwd_neighbor_set(4, b[0].addr, (uint8_t[6]){ 2, 0, 0, 0, 0, 11 });
	gfwd_neighbor_set(4, b[1].addr, (uint8_t[6]){ 2, 0, 0, 0, 0, 12 });
	struct gfwd_service s = { .family = 4, .proto = IPPROTO_TCP, .port = 80, .mode = GFWD_MODE_FULLNAT,
				  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .n_backends = 1 };
	inet_pton(AF_INET, "198.18.0.200", s.vip);
	CHECK(gfwd_commit(1, &s, 1, b, 1, NULL, 0) == 0, "commit");

	/* A share of four ports: four clients get one each, the fifth is dropped. */
	unsigned workers = (SNAT_PORT_LAST - SNAT_PORT_FIRST + 1) / 4;
	struct worker *w = worker_create(0, workers, 0, 4096, 0);
	CHECK(w != NULL && w->snat_last - w->snat_first == 3, "four SNAT ports");
	struct flow *f[4];
	for (uint32_t c = 0; c < 4; c++)
		f[c] = open_flow(w, c, 40000);
	CHECK(f[0] && f[1] && f[2] && f[3] && tuples_distinct(w->flows), "four flows, four ports");
	CHECK(open_flow(w, 4, 40000) == NULL && w->cnt.drop[DROP_SNAT_EXHAUSTED] == 1, "the fifth: exhausted");
	uint16_t freed = f[2]->snat_port;
	flow_remove(w->flows, f[2]);
	struct flow *again = open_flow(w, 5, 40000);
	CHECK(again != NULL && again->snat_port == freed, "a flow's end frees its port for the next");
	worker_free(w);

	/* Churn over two backends, one worker: flows open and end in random order, some by
	 * expiry through the sweep; the tuples stay distinct and ports stay free for use. */
	CHECK(gfwd_commit(2, &s, 1, b, 1, NULL, 0) == 0, "commit");
	s.n_backends = 2;
	CHECK(gfwd_commit(3, &s, 1, b, 2, NULL, 0) == 0, "two backends");
	w = worker_create(0, 1, 0, 8192, 0);
	uint64_t x = 2463534242ull;
	int distinct = 1;
	uint32_t opened = 0;
	for (uint32_t i = 0; i < 20000; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		opened += open_flow(w, (uint32_t)(x & 0xffff), (uint16_t)(1024 + (x >> 16) % 60000)) != NULL;
		if (i % 3 == 0) {
			struct flow *victim = &w->flows->flows[(x >> 32) % w->flows->capacity];
			if (victim->proto != 0)
				flow_remove(w->flows, victim);
		}
		if (i % 1000 == 999)
			distinct &= tuples_distinct(w->flows);
	}
	CHECK(opened == 20000 && distinct, "20,000 flows opened under churn, tuples distinct (%u)", opened);
	uint32_t live = 0;
	for (int i = 0; i < 2; i++) {
		struct snat_key k = { .backend = addr_v4(0), .backend_port = rte_cpu_to_be_16(8080), .proto = IPPROTO_TCP,
				      .family = GFWD_AF_INET, .snat_id = 0 };
		memcpy(&k.backend.v4, b[i].addr, 4);
		live += snat_ports_live(&w->snat, &k);
	}
	CHECK(live == flow_table_live(w->flows), "one port per live flow (%u ports, %u flows)", live,
	      flow_table_live(w->flows));
	flow_sweep(w->flows, w->now + TCP_SYN_TIMEOUT_S + 1, w->flows->capacity);
	CHECK(flow_table_live(w->flows) == 0, "all expired");
	live = 0;
	for (int i = 0; i < 2; i++) {
		struct snat_key k = { .backend = addr_v4(0), .backend_port = rte_cpu_to_be_16(8080), .proto = IPPROTO_TCP,
				      .family = GFWD_AF_INET };
		memcpy(&k.backend.v4, b[i].addr, 4);
		live += snat_ports_live(&w->snat, &k);
	}
	CHECK(live == 0, "the sweep freed every port (%u held)", live);
	worker_free(w);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	pools_alone();
	pool_table_full();
	against_a_model();
	through_the_pipeline();
	return report("test_snat");
}
