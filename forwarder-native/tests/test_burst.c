/* SPDX-License-Identifier: Apache-2.0
 * New flows a burst at a time (pipeline.c prepares each new flow as its packet comes and
 * stores it after the burst's other packets), through the real pipeline with bursts of many
 * frames, full NAT:
 *   - every packet of one new flow in a burst ends up in one flow, sent in arrival order; a
 *     reset right after its SYN finds (and closes) the flow the SYN opened;
 *   - new and established flows mixed in one burst each go where their own flow says;
 *   - NAT: a backend's packet to a client whose flow opens in the same burst is that flow's
 *     reply (not a second flow made by the NAT return path);
 *   - an ICMP message and an ARP request between two packets of a new flow (which make the
 *     prepared flows finish first) change none of that;
 *   - SNAT ports running out part-way through a burst drop exactly the flows that find none
 *     (and a later packet of such a flow), counted as snat_ports_exhausted, with nothing
 *     leaked: mbufs, ports, backend-address references. */
#include "harness.h"

#define VIP "198.18.0.200"
#define BACKEND_PORT 8080
static const uint8_t CLIENT_MAC[6] = { 2, 0, 0, 0, 0, 0x64 };
static const char *BACKENDS[] = { "198.18.0.11", "198.18.0.12", "198.18.0.13", "198.18.0.14" };

/* ---------------------------------------------------------------- frames and bursts */

static void client_ip(char *ip, size_t len, uint32_t client)
{
	snprintf(ip, len, "198.19.%u.%u", (client >> 8) & 0xff, client & 0xff);
}

/* A TCP segment of client `client` (port 40000) to the VIP, carrying `tag` as its payload so
 * that what comes out can be told apart. */
static void segment(struct frame *f, uint32_t client, uint8_t flags, const char *tag)
{
	char ip[32];
	client_ip(ip, sizeof(ip), client);
	*f = frame_new();
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, ip, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, flags);
	frame_payload(f, tag);
	frame_done(f);
}

/* What one burst did: the frames sent (port 0, in order), drops by reason, mbufs leaked. */
struct burst_result {
	int sent;
	struct frame out[64];
	uint64_t drops[DROP_MAX];
	int leaked;
};

static struct burst_result result;

static const struct burst_result *run_burst(struct worker *w, const struct frame *in, int n)
{
	unsigned before = rte_mempool_avail_count(dp.pool);
	uint64_t drops[DROP_MAX];
	memcpy(drops, w->cnt.drop, sizeof(drops));
	struct rte_mbuf *m[64];
	for (int i = 0; i < n; i++) {
		m[i] = rte_pktmbuf_alloc(dp.pool);
		memcpy(rte_pktmbuf_append(m[i], in[i].len), in[i].b, in[i].len);
	}
	worker_tick(w);
	pipeline_burst(w, dp_config(), 0, m, (uint16_t)n);
	result.sent = 0;
	for (int i = 0; i < w->tx[0].n && i < 64; i++) {
		struct frame *o = &result.out[result.sent++];
		*o = frame_new();
		o->len = rte_pktmbuf_data_len(w->tx[0].m[i]);
		memcpy(o->b, rte_pktmbuf_mtod(w->tx[0].m[i], void *), o->len);
	}
	rte_pktmbuf_free_bulk(w->tx[0].m, w->tx[0].n);
	w->tx[0].n = 0;
	for (int d = 0; d < DROP_MAX; d++)
		result.drops[d] = w->cnt.drop[d] - drops[d];
	result.leaked = (int)before - (int)rte_mempool_avail_count(dp.pool);
	return &result;
}

static uint64_t drops_total(const struct burst_result *r)
{
	uint64_t t = 0;
	for (int d = 0; d < DROP_MAX; d++)
		t += r->drops[d];
	return t;
}

/* A frame sent to a backend: IPv4 and TCP without options, so the payload is at 54. */
static int is_tagged(const struct frame *f, const char *tag)
{
	size_t n = strlen(tag);
	return f->len == 54 + n && memcmp(f->b + 54, tag, n) == 0;
}

/* Index of the frame sent with payload tag, or -1. */
static int sent_at(const struct burst_result *r, const char *tag)
{
	for (int i = 0; i < r->sent; i++)
		if (is_tagged(&r->out[i], tag))
			return i;
	return -1;
}

static struct flow *flow_of(struct worker *w, uint32_t client)
{
	char ip[32];
	client_ip(ip, sizeof(ip), client);
	struct flow_key k = { .sport = rte_cpu_to_be_16(40000), .dport = rte_cpu_to_be_16(80), .proto = IPPROTO_TCP,
			      .family = GFWD_AF_INET };
	inet_pton(AF_INET, ip, &k.src.v4);
	inet_pton(AF_INET, VIP, &k.dst.v4);
	enum flow_dir dir;
	return flow_lookup(w->flows, &k, flow_key_hash(&k), w->now, &dir);
}

/* The frame went where flow f sends its client's packets: from the SNAT address and f's
 * port, to f's backend and port, with every checksum right. */
static int follows(struct worker *w, const struct frame *o, const struct flow *f)
{
	if (f == NULL || o->len < 54)
		return 0;
	uint32_t src, dst, snat;
	memcpy(&src, o->b + 26, 4);
	memcpy(&dst, o->b + 30, 4);
	inet_pton(AF_INET, PORT_IP, &snat);
	uint16_t sport, dport;
	memcpy(&sport, o->b + 34, 2);
	memcpy(&dport, o->b + 36, 2);
	return src == snat && sport == f->snat_port && dst == flow_backend_addr(w->flows, f)->v4 &&
	       dport == f->backend_port && frame_checksums_ok(o->b, o->len, 14, 34);
}

/* ---------------------------------------------------------------- configuration */

static void configure_mode(uint8_t mode, uint32_t n_backends)
{
	static uint64_t seq = 1;
	struct gfwd_backend b[4];
	for (uint32_t i = 0; i < n_backends; i++) {
		b[i] = (struct gfwd_backend){ .family = 4, .port = BACKEND_PORT, .weight = 1 };
		inet_pton(AF_INET, BACKENDS[i], b[i].addr);
		gfwd_neighbor_set(4, b[i].addr, (uint8_t[6]){ 2, 0, 0, 0, 1, (uint8_t)i });
	}
	struct gfwd_service s = { .family = 4, .proto = IPPROTO_TCP, .port = 80, .mode = mode,
				  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .n_backends = n_backends };
	inet_pton(AF_INET, VIP, s.vip);
	CHECK(gfwd_commit(seq++, &s, 1, b, n_backends, NULL, 0) == 0, "commit");
}

static void configure(uint32_t n_backends)
{
	configure_mode(GFWD_MODE_FULLNAT, n_backends);
}

/* ---------------------------------------------------------------- the cases */

/* Three packets of one new flow among two others', in one burst. */
static void one_flow_three_packets(void)
{
	configure(4);
	struct worker *w = worker_create(0, 1, 0, 4096, 0);
	struct frame in[5];
	segment(&in[0], 1, TCP_SYN, "a1");
	segment(&in[1], 2, TCP_SYN, "b1");
	segment(&in[2], 1, TCP_ACK, "a2");
	segment(&in[3], 3, TCP_SYN, "c1");
	segment(&in[4], 1, TCP_ACK | TCP_PSH, "a3");
	const struct burst_result *r = run_burst(w, in, 5);
	CHECK(r->sent == 5 && drops_total(r) == 0 && r->leaked == 0, "all five sent (%d, %lu dropped, %d leaked)",
	      r->sent, (unsigned long)drops_total(r), r->leaked);
	CHECK(flow_table_live(w->flows) == 3 && w->cnt.event[EV_NEW_FLOWS] == 3,
	      "three flows, not five (%u live, %lu new)", flow_table_live(w->flows),
	      (unsigned long)w->cnt.event[EV_NEW_FLOWS]);
	int a1 = sent_at(r, "a1"), a2 = sent_at(r, "a2"), a3 = sent_at(r, "a3");
	CHECK(a1 >= 0 && a1 < a2 && a2 < a3, "the flow's packets leave in arrival order (%d, %d, %d)", a1, a2, a3);
	struct flow *f = flow_of(w, 1);
	CHECK(a3 >= 0 && follows(w, &r->out[a1], f) && follows(w, &r->out[a2], f) && follows(w, &r->out[a3], f),
	      "all three by the one flow's tuple");
	CHECK(f != NULL && f->state == FLOW_TCP_ESTABLISHED, "the client's ACK moved it on from SYN (as one at a time)");
	CHECK(follows(w, &r->out[sent_at(r, "b1")], flow_of(w, 2)) && follows(w, &r->out[sent_at(r, "c1")], flow_of(w, 3)),
	      "the other two by their own");
	worker_free(w);
}

/* A SYN and a reset of its connection in one burst: the reset finds the flow the SYN opened
 * (and closes it), as one at a time; a reset whose SYN could not open a flow is dropped as a
 * reset without a flow, and opens nothing. */
static void reset_after_syn(void)
{
	configure(1);
	unsigned workers = (SNAT_PORT_LAST - SNAT_PORT_FIRST + 1) / 2;   /* a share of two ports */
	struct worker *w = worker_create(0, workers, 0, 4096, 0);
	CHECK(w != NULL && w->snat_last - w->snat_first == 1, "two SNAT ports");
	struct frame in[6];
	segment(&in[0], 1, TCP_SYN, "r1");
	segment(&in[1], 1, TCP_RST, "r1x");
	segment(&in[2], 2, TCP_SYN, "r2");
	segment(&in[3], 3, TCP_SYN, "r3");    /* no port left */
	segment(&in[4], 3, TCP_RST, "r3x");
	segment(&in[5], 2, TCP_ACK, "r2b");
	const struct burst_result *r = run_burst(w, in, 6);
	struct flow *f1 = flow_of(w, 1);
	CHECK(r->sent == 4 && r->leaked == 0, "r1, its reset, r2 and its ACK sent (%d, %d leaked)", r->sent, r->leaked);
	CHECK(sent_at(r, "r1x") > sent_at(r, "r1") && follows(w, &r->out[sent_at(r, "r1x")], f1),
	      "the reset after its SYN, by its flow");
	CHECK(f1 != NULL && f1->state == FLOW_TCP_CLOSING, "and the flow is closing");
	CHECK(r->drops[DROP_SNAT_EXHAUSTED] == 1 && r->drops[DROP_RST_WITHOUT_FLOW] == 1 && drops_total(r) == 2,
	      "r3 dropped as exhausted, its reset as a reset without a flow (%lu, %lu of %lu)",
	      (unsigned long)r->drops[DROP_SNAT_EXHAUSTED], (unsigned long)r->drops[DROP_RST_WITHOUT_FLOW],
	      (unsigned long)drops_total(r));
	CHECK(flow_table_live(w->flows) == 2 && flow_of(w, 3) == NULL, "two flows (%u)", flow_table_live(w->flows));
	worker_free(w);
}

/* NAT: a backend's packet to a client whose flow is being opened in the same burst (an older
 * connection's, on the same tuple) is that flow's reply, as one at a time: translated back by
 * it, not made into a second flow by the NAT return path. */
static void reply_to_an_opening(void)
{
	configure_mode(GFWD_MODE_NAT, 1);
	struct worker *w = worker_create(0, 1, 0, 4096, 0);
	struct frame in[2];
	segment(&in[0], 9, TCP_SYN, "q1");
	in[1] = frame_new();
	frame_eth(&in[1], PORT_MAC, (const uint8_t[6]){ 2, 0, 0, 0, 1, 0 });
	frame_ipv4(&in[1], BACKENDS[0], "198.19.0.9", IPPROTO_TCP);
	frame_tcp(&in[1], BACKEND_PORT, 40000, TCP_ACK);
	frame_payload(&in[1], "q1r");
	frame_done(&in[1]);
	const struct burst_result *r = run_burst(w, in, 2);
	CHECK(r->sent == 2 && drops_total(r) == 0 && r->leaked == 0, "both sent (%d, %lu dropped, %d leaked)", r->sent,
	      (unsigned long)drops_total(r), r->leaked);
	CHECK(flow_table_live(w->flows) == 1 && w->cnt.event[EV_REPLY_FLOWS] == 0, "one flow, none from the reply (%u, %lu)",
	      flow_table_live(w->flows), (unsigned long)w->cnt.event[EV_REPLY_FLOWS]);
	int q = sent_at(r, "q1r");
	uint32_t src = 0, vip;
	inet_pton(AF_INET, VIP, &vip);
	if (q >= 0)
		memcpy(&src, r->out[q].b + 26, 4);
	CHECK(q > sent_at(r, "q1") && src == vip && memcmp(r->out[q].b, CLIENT_MAC, 6) == 0 &&
	      frame_checksums_ok(r->out[q].b, r->out[q].len, 14, 34),
	      "the reply leaves from the VIP to the client's MAC, after the SYN");
	worker_free(w);
}

/* A burst of established packets and new SYNs alternating, two packets of some flows. */
static void new_and_established(void)
{
	configure(4);
	struct worker *w = worker_create(0, 1, 0, 4096, 0);
	static struct frame in[32];
	char tag[16];
	for (uint32_t c = 0; c < 8; c++) {
		snprintf(tag, sizeof(tag), "open%u", c);
		segment(&in[c], c, TCP_SYN, tag);
	}
	const struct burst_result *r = run_burst(w, in, 8);
	CHECK(r->sent == 8 && flow_table_live(w->flows) == 8, "eight flows opened");
	uint16_t port_before[8];
	for (uint32_t c = 0; c < 8; c++)
		port_before[c] = flow_of(w, c) ? flow_of(w, c)->snat_port : 0;

	for (uint32_t i = 0; i < 16; i++) {
		snprintf(tag, sizeof(tag), "e%u", i);
		segment(&in[2 * i], i % 8, TCP_ACK, tag);   /* each established flow twice */
		snprintf(tag, sizeof(tag), "n%u", i);
		segment(&in[2 * i + 1], 100 + i, TCP_SYN, tag);
	}
	r = run_burst(w, in, 32);
	CHECK(r->sent == 32 && drops_total(r) == 0 && r->leaked == 0, "all 32 sent (%d, %lu dropped, %d leaked)",
	      r->sent, (unsigned long)drops_total(r), r->leaked);
	CHECK(flow_table_live(w->flows) == 24, "sixteen new flows beside the eight (%u)", flow_table_live(w->flows));
	int ok = 1, ordered = 1, kept = 1;
	for (uint32_t i = 0; i < 16; i++) {
		snprintf(tag, sizeof(tag), "e%u", i);
		int e = sent_at(r, tag);
		ok &= e >= 0 && follows(w, &r->out[e], flow_of(w, i % 8));
		kept &= flow_of(w, i % 8) != NULL && flow_of(w, i % 8)->snat_port == port_before[i % 8];
		if (i >= 8) {
			snprintf(tag, sizeof(tag), "e%u", i - 8);
			ordered &= sent_at(r, tag) < e;
		}
		snprintf(tag, sizeof(tag), "n%u", i);
		int n = sent_at(r, tag);
		ok &= n >= 0 && follows(w, &r->out[n], flow_of(w, 100 + i));
	}
	CHECK(ok, "every packet by its own flow's tuple");
	CHECK(kept, "established flows keep their SNAT ports");
	CHECK(ordered, "an established flow's two packets leave in order");
	worker_free(w);
}

/* ICMP and ARP between packets of a new flow: the flow is stored before either is handled,
 * and the packets after them find it. */
static void between_other_packets(void)
{
	configure(4);
	struct worker *w = worker_create(0, 1, 0, 4096, 0);
	struct frame in[5];
	segment(&in[0], 7, TCP_SYN, "x1");
	in[1] = frame_new();
	frame_eth(&in[1], PORT_MAC, CLIENT_MAC);
	frame_ipv4(&in[1], "198.19.0.7", PORT_IP, IPPROTO_ICMP);
	frame_icmp_echo(&in[1], 8, 1, 1);
	frame_done(&in[1]);
	segment(&in[2], 7, TCP_ACK, "x2");
	in[3] = frame_new();
	frame_eth_type(&in[3], BCAST_MAC, CLIENT_MAC, 0x0806);
	frame_arp(&in[3], 1, CLIENT_MAC, "198.18.0.100", ZERO_MAC, PORT_IP);
	segment(&in[4], 7, TCP_ACK, "x3");
	const struct burst_result *r = run_burst(w, in, 5);
	CHECK(drops_total(r) == 0 && r->leaked == 0 && r->sent == 5,
	      "three segments, an echo reply and an ARP reply sent (%d, %lu dropped, %d leaked)", r->sent,
	      (unsigned long)drops_total(r), r->leaked);
	CHECK(flow_table_live(w->flows) == 1 && w->cnt.event[EV_NEW_FLOWS] == 1, "one flow (%u)",
	      flow_table_live(w->flows));
	int x1 = sent_at(r, "x1"), x2 = sent_at(r, "x2"), x3 = sent_at(r, "x3");
	struct flow *f = flow_of(w, 7);
	CHECK(x1 >= 0 && x1 < x2 && x2 < x3, "in arrival order (%d, %d, %d)", x1, x2, x3);
	CHECK(x3 >= 0 && follows(w, &r->out[x1], f) && follows(w, &r->out[x2], f) && follows(w, &r->out[x3], f),
	      "by the one flow's tuple");
	worker_free(w);
}

/* Four SNAT ports for one backend, seven new flows (and a second packet of two of them) in
 * one burst: the first four open, the rest are dropped as exhausted, and what the dropped
 * ones took is given back. */
static void exhausted_mid_burst(void)
{
	configure(1);
	unsigned workers = (SNAT_PORT_LAST - SNAT_PORT_FIRST + 1) / 4;   /* a share of four ports */
	struct worker *w = worker_create(0, workers, 0, 4096, 0);
	CHECK(w != NULL && w->snat_last - w->snat_first == 3, "four SNAT ports");
	struct frame in[9];
	segment(&in[0], 0, TCP_SYN, "s0");
	segment(&in[1], 1, TCP_SYN, "s1");
	segment(&in[2], 2, TCP_SYN, "s2");
	segment(&in[3], 1, TCP_ACK, "s1b");   /* follows an opened flow */
	segment(&in[4], 3, TCP_SYN, "s3");
	segment(&in[5], 4, TCP_SYN, "s4");    /* no port left from here */
	segment(&in[6], 5, TCP_SYN, "s5");
	segment(&in[7], 4, TCP_ACK, "s4b");   /* follows a flow that could not open */
	segment(&in[8], 6, TCP_SYN, "s6");
	const struct burst_result *r = run_burst(w, in, 9);
	CHECK(r->sent == 5 && r->leaked == 0, "four flows' five packets sent (%d, %d leaked)", r->sent, r->leaked);
	CHECK(r->drops[DROP_SNAT_EXHAUSTED] == 4 && drops_total(r) == 4,
	      "the other four packets dropped as snat_ports_exhausted (%lu of %lu)",
	      (unsigned long)r->drops[DROP_SNAT_EXHAUSTED], (unsigned long)drops_total(r));
	int opened = 1;
	for (uint32_t c = 0; c < 4; c++) {
		char tag[8];
		snprintf(tag, sizeof(tag), "s%u", c);
		opened &= sent_at(r, tag) >= 0 && follows(w, &r->out[sent_at(r, tag)], flow_of(w, c));
	}
	CHECK(opened && sent_at(r, "s1b") > sent_at(r, "s1") && follows(w, &r->out[sent_at(r, "s1b")], flow_of(w, 1)),
	      "the first four clients by their flows, the second packet after the first");
	CHECK(flow_table_live(w->flows) == 4 && flow_of(w, 4) == NULL && flow_of(w, 5) == NULL && flow_of(w, 6) == NULL,
	      "four flows live (%u)", flow_table_live(w->flows));
	struct flow *f0 = flow_of(w, 0);
	struct snat_key k = snat_key_of(w->flows, f0);
	CHECK(snat_ports_live(&w->snat, &k) == 4, "four ports taken, none for the dropped (%u)", snat_ports_live(&w->snat, &k));
	CHECK(w->flows->backends.meta[f0->backend_id].refs == 4, "four references to the backend's address (%u)",
	      w->flows->backends.meta[f0->backend_id].refs);

	/* A flow ends: the next new one in a burst gets its port. */
	uint16_t freed = flow_of(w, 2)->snat_port;
	flow_remove(w->flows, flow_of(w, 2));
	segment(&in[0], 4, TCP_SYN, "again");
	r = run_burst(w, in, 1);
	CHECK(r->sent == 1 && flow_of(w, 4) != NULL && flow_of(w, 4)->snat_port == freed, "the freed port serves the next");
	worker_free(w);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	one_flow_three_packets();
	reset_after_syn();
	reply_to_an_opening();
	new_and_established();
	between_other_packets();
	exhausted_mid_burst();
	return report("test_burst");
}
