/* SPDX-License-Identifier: Apache-2.0
 * The connection table on its own: every flow findable from both directions, nothing
 * evicted below capacity (two bucket choices), eviction counted when full, expiry, removal,
 * and the backend addresses flows hold by reference. */
#include "harness.h"

static struct addr backend_n(uint32_t n)
{
	return addr_v4(rte_cpu_to_be_32(0xc6120000u | (n % 64)));
}

/* Flow n, holding a reference to its backend's address (given back when it ends, or by the
 * caller: flow_addr_put). */
static struct flow flow_n(struct flow_table *ft, uint32_t n)
{
	struct addr backend = backend_n(n);
	struct flow f = { .client_addr = addr_v4(rte_cpu_to_be_32(0x0a000000u | n)), .client_port = rte_cpu_to_be_16(1000),
			  .backend_id = (uint16_t)flow_addr_take(ft, &backend, GFWD_AF_INET), .backend_port = rte_cpu_to_be_16(8080),
			  .vport = rte_cpu_to_be_16(80), .vip_id = 0, .snat_port = rte_cpu_to_be_16((uint16_t)(1024 + n % 60000)),
			  .proto = IPPROTO_TCP, .family = GFWD_AF_INET, .expires = 100 };
	return f;
}

static int findable(struct flow_table *ft, uint32_t n, uint32_t now)
{
	struct flow f = flow_n(ft, n);
	flow_addr_put(ft, f.backend_id);   /* only its keys are wanted */
	int ok = 1;
	for (int d = DIR_FORWARD; d <= DIR_REVERSE; d++) {
		struct flow_key k;
		flow_key_of(ft, &f, d, &k);
		enum flow_dir got;
		struct flow *x = flow_lookup(ft, &k, flow_key_hash(&k), now, &got);
		struct addr client = x != NULL ? flow_client(x) : (struct addr){ .q = { 0, 0 } };
		ok &= x != NULL && (int)got == d && addr_eq(&client, &f.client_addr);
	}
	return ok;
}

/* flow_key_hash and crc_words give what rte_hash_crc gives (the Maglev choice of a tuple, which
 * forwarders must agree on, comes from it). */
static void hash_unchanged(void)
{
	uint64_t x = 88172645463325252ull;
	int same = 0;
	for (int i = 0; i < 1000; i++) {
		struct flow_key k;
		uint64_t w[5];
		for (int j = 0; j < 5; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			w[j] = x;
		}
		memcpy(&k, w, sizeof(k));
		same += flow_key_hash(&k) == rte_hash_crc(&k, sizeof(k), 0x9e3779b9) &&
			crc_u32((uint32_t)x, 7) == rte_hash_crc_4byte((uint32_t)x, 7);
	}
	CHECK(same == 1000, "the flow hash is rte_hash_crc's (%d of 1000)", same);
}

static uint32_t backend_refs(const struct flow_table *ft)
{
	uint32_t refs = 0;
	for (uint32_t i = 0; i < FLOW_ADDRS; i++)
		refs += ft->backends.meta[i].refs;
	return refs;
}

/* The backend-address table: one id per address and family, as many references as takes,
 * FLOW_ADDRS addresses at most while all are held, an entry reused once its flows ended. */
static void backend_addresses(void)
{
	struct flow_table *ft = flow_table_create(1024, 0, dp.vips, dp.snat_addrs);
	struct addr a = addr_v4(rte_cpu_to_be_32(0xc6120001u));
	uint32_t v4 = flow_addr_take(ft, &a, GFWD_AF_INET), again = flow_addr_take(ft, &a, GFWD_AF_INET);
	uint32_t v6 = flow_addr_take(ft, &a, GFWD_AF_INET6);   /* the same bytes, the other family */
	CHECK(v4 == again && v4 != v6 && v6 != FLOW_ADDR_NONE && addr_eq(&ft->backends.addr[v6], &a),
	      "one id per address and family (%u %u %u)", v4, again, v6);
	CHECK(ft->backends.meta[v4].refs == 2, "two references (%u)", ft->backends.meta[v4].refs);
	uint32_t held = 2, refused = 0;
	for (uint32_t n = 2; n < 2 * FLOW_ADDRS; n++) {
		struct addr b = addr_v4(rte_cpu_to_be_32(0x0a000000u | n));
		uint32_t id = flow_addr_take(ft, &b, GFWD_AF_INET);
		held += id != FLOW_ADDR_NONE;
		refused += id == FLOW_ADDR_NONE;
	}
	CHECK(held <= FLOW_ADDRS && refused >= FLOW_ADDRS, "no more addresses than entries (%u held, %u refused)", held,
	      refused);
	flow_addr_put(ft, (uint16_t)v4);
	flow_addr_put(ft, (uint16_t)v4);
	/* The table is full but for that entry: the first address whose chain reaches it gets it. */
	struct addr c;
	uint32_t reused = FLOW_ADDR_NONE;
	for (uint32_t n = 0; n < FLOW_ADDRS && reused == FLOW_ADDR_NONE; n++) {
		c = addr_v4(rte_cpu_to_be_32(0xc6130000u | n));
		reused = flow_addr_take(ft, &c, GFWD_AF_INET);
	}
	CHECK(reused == v4 && addr_eq(&ft->backends.addr[v4], &c), "a freed entry serves another address (%u)", reused);
	flow_table_free(ft);
}

/* A worker whose share of SNAT ports is a single port: the second client to the same
 * backend finds it taken, and the drop is counted under its reason. */
static void snat_exhaustion(void)
{
	struct gfwd_backend b = { .family = 4, .port = 8080, .weight = 1 };
	inet_pton(AF_INET, "198.18.0.11", b.addr);
	struct gfwd_service s = { .family = 4, .proto = IPPROTO_TCP, .port = 80, .mode = GFWD_MODE_FULLNAT,
				  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .n_backends = 1 };
	inet_pton(AF_INET, "198.18.0.200", s.vip);
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 11 };
	gfwd_neighbor_set(4, b.addr, mac);
	CHECK(gfwd_commit(1, &s, 1, &b, 1, NULL, 0) == 0, "commit");
	unsigned workers = SNAT_PORT_LAST - SNAT_PORT_FIRST;   /* share: one port each */
	struct worker *w = worker_create(0, workers, 0, 1024, 0);
	CHECK(w->snat_first == w->snat_last, "a single SNAT port (%u-%u)", w->snat_first, w->snat_last);
	int sent = 0;
	for (int c = 0; c < 2; c++) {
		struct frame f = frame_new();
		static const uint8_t client_mac[6] = { 2, 0, 0, 0, 0, 0x64 };
		frame_eth(&f, PORT_MAC, client_mac);
		frame_ipv4(&f, c == 0 ? "198.18.0.100" : "198.18.0.101", "198.18.0.200", IPPROTO_TCP);
		frame_tcp(&f, 40000, 80, TCP_SYN);
		frame_done(&f);
		struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
		memcpy(rte_pktmbuf_append(m, f.len), f.b, f.len);
		worker_tick(w);
		pipeline_burst(w, dp_config(), 0, &m, 1);
		sent += w->tx[0].n;
		rte_pktmbuf_free_bulk(w->tx[0].m, w->tx[0].n);
		w->tx[0].n = 0;
	}
	CHECK(sent == 1, "the first client gets the port (%d sent)", sent);
	CHECK(w->cnt.drop[DROP_SNAT_EXHAUSTED] == 1, "the second is dropped as exhausted (%lu)",
	      (unsigned long)w->cnt.drop[DROP_SNAT_EXHAUSTED]);
	worker_free(w);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	dp_vip_id(&(struct addr){ .q = { 0, 0 } });   /* VIP id 0 */
	enum { CAPACITY = 65536, FILLED = CAPACITY * 95 / 100 };
	struct flow_table *ft = flow_table_create(CAPACITY, 0, dp.vips, dp.snat_addrs);
	CHECK(ft != NULL, "table created");

	int inserted = 0, found = 0;
	for (uint32_t n = 0; n < FILLED; n++) {
		struct flow f = flow_n(ft, n);
		inserted += flow_insert(ft, &f, 0) != NULL;
	}
	for (uint32_t n = 0; n < FILLED; n++)
		found += findable(ft, n, 0);
	CHECK(inserted == FILLED && found == FILLED, "95%% full: every flow in, found both ways (%d, %d)", inserted, found);
	CHECK(ft->evicted == 0, "nothing evicted below capacity (%lu)", (unsigned long)ft->evicted);
	CHECK(flow_table_live(ft) == FILLED, "live count (%u)", flow_table_live(ft));

	for (uint32_t n = FILLED; n < CAPACITY + 1000; n++) {
		struct flow f = flow_n(ft, n);
		flow_insert(ft, &f, 0);
	}
	CHECK(ft->evicted >= 1000, "past capacity, flows are evicted and counted (%lu)", (unsigned long)ft->evicted);
	CHECK(flow_table_live(ft) <= CAPACITY, "never more than capacity");
	CHECK(findable(ft, CAPACITY + 999, 0), "the newest flow is in");

	struct flow f = flow_n(ft, CAPACITY + 999);
	flow_addr_put(ft, f.backend_id);
	struct flow_key k;
	flow_key_of(ft, &f, DIR_FORWARD, &k);
	enum flow_dir dir;
	CHECK(flow_lookup(ft, &k, flow_key_hash(&k), 101, &dir) == NULL, "an expired flow is not found");
	CHECK(!findable(ft, CAPACITY + 999, 0), "and was reclaimed, both directions");

	/* The sweep: a pass while nothing has expired removes nothing; a pass later removes
	 * every flow, each through flow_remove (both directions unfindable), in passes of any
	 * length that wrap around the table. */
	uint32_t live = flow_table_live(ft);
	CHECK(flow_sweep(ft, 100, CAPACITY) == 0 && flow_table_live(ft) == live, "nothing expired, nothing swept");
	uint32_t swept = 0;
	for (uint32_t visited = 0; visited < CAPACITY; visited += 1000)
		swept += flow_sweep(ft, 101, 1000);
	CHECK(swept == live && flow_table_live(ft) == 0, "every expired flow swept (%u of %u, %u left)", swept, live,
	      flow_table_live(ft));
	CHECK(!findable(ft, CAPACITY - 1, 0) && !findable(ft, 7, 0), "swept flows are gone both ways");
	CHECK(flow_sweep(ft, 101, 2 * CAPACITY) == 0, "free entries are skipped");
	CHECK(backend_refs(ft) == 0, "every backend address given back with its flows (%u held)", backend_refs(ft));
	struct flow again = flow_n(ft, 7);
	CHECK(flow_insert(ft, &again, 0) != NULL && findable(ft, 7, 0), "and reused");
	flow_table_free(ft);
	backend_addresses();
	hash_unchanged();
	snat_exhaustion();
	return report("test_flow");
}
