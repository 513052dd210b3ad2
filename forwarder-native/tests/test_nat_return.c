/* SPDX-License-Identifier: Apache-2.0
 * The NAT return path after a VIP moved between forwarders (issue 12 item 4), through the real
 * pipeline, IPv4 and IPv6: a backend's reply of a connection this forwarder never saw makes
 * the flow the client's packet would have made (same VIP, port and backend, from the scheduler),
 * and is translated; with several NAT services on one backend the one whose Maglev table sends
 * the client's tuple there is chosen, and when none or several do it is dropped as
 * no_flow_ambiguous; a client whose MAC is unknown is asked for. The forward direction of NAT
 * and DSR accepts mid-connection packets of unseen flows (Katran style).
 *
 * "A forwarder that never saw the connection" is this one with the flow removed: the same
 * configuration, as every forwarder of a fleet has. */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
static const uint8_t CLIENT2_MAC[6] = { 0x02, 0, 0, 0, 0, 0x65 };
static const uint8_t BACKEND_MACS[2][6] = { { 0x02, 0, 0, 0, 0, 0x0b }, { 0x02, 0, 0, 0, 0, 0x0c } };
#define BACKEND_MAC BACKEND_MACS[0]   /* where a backend's frames come from: its own is not checked */

/* One family's addresses: two NAT VIPs sharing two backends, a DSR VIP, a client with a known
 * MAC, one whose MAC is learnt during the test, one off every prefix. */
struct family_def {
	uint8_t family;
	int af;
	uint16_t ether_type;
	const char *client, *client2, *far_client;
	const char *vip_a, *vip_b, *vip_dsr;
	const char *backend[2];
};

static const struct family_def V4 = {
	GFWD_AF_INET, AF_INET, 0x0800, "198.18.0.100", "198.18.0.101", "198.18.9.100",
	"198.18.0.200", "198.18.0.201", "198.18.0.240", { "198.18.0.11", "198.18.0.12" },
};
static const struct family_def V6 = {
	GFWD_AF_INET6, AF_INET6, 0x86dd, "2001:2::100", "2001:2::101", "2001:2:9::100",
	"2001:2::200", "2001:2::201", "2001:2::240", { "2001:2::11", "2001:2::12" },
};

#define NAT_PORT 80
#define BACKEND_PORT 8080
#define DSR_PORT 8081
#define LONE_BACKEND_PORT 9090   /* backend[0]:9090 is in one NAT service only (vip_a:90) */
#define LONE_PORT 90
#define RR_BACKEND_PORT 7070     /* in two round-robin NAT services: the scheduler cannot tell */
#define FULLNAT_BACKEND_PORT 6060

/* ---------------------------------------------------------------- configuration */

static struct gfwd_backend backend(const struct family_def *d, int i, uint16_t port)
{
	struct gfwd_backend b = { .family = d->family, .port = port, .weight = 1 };
	inet_pton(d->af, d->backend[i], b.addr);
	return b;
}

static struct gfwd_service service(const struct family_def *d, const char *vip, uint16_t port, uint8_t mode,
				   uint8_t sched, uint32_t first, uint32_t n)
{
	struct gfwd_service s = { .family = d->family, .proto = IPPROTO_TCP, .port = port, .mode = mode,
				  .sched = sched, .maglev_size = 251, .first_backend = first, .n_backends = n };
	inet_pton(d->af, vip, s.vip);
	return s;
}

static void neighbour(const struct family_def *d, const char *ip, const uint8_t mac[6])
{
	uint8_t a[16] = { 0 };
	inet_pton(d->af, ip, a);
	if (gfwd_neighbor_set(d->family, a, mac) != 0) {
		fprintf(stderr, "neighbour %s: %s\n", ip, gfwd_last_error());
		exit(1);
	}
}

static void configure(void)
{
	struct gfwd_backend b[18];
	struct gfwd_service s[14];
	uint32_t nb = 0, ns = 0;
	const struct family_def *fams[] = { &V4, &V6 };
	for (int k = 0; k < 2; k++) {
		const struct family_def *d = fams[k];
		uint32_t shared = nb;
		b[nb++] = backend(d, 0, BACKEND_PORT);
		b[nb++] = backend(d, 1, BACKEND_PORT);
		s[ns++] = service(d, d->vip_a, NAT_PORT, GFWD_MODE_NAT, GFWD_SCHED_MAGLEV, shared, 2);
		s[ns++] = service(d, d->vip_b, NAT_PORT, GFWD_MODE_NAT, GFWD_SCHED_MAGLEV, shared, 2);
		b[nb++] = backend(d, 0, LONE_BACKEND_PORT);
		s[ns++] = service(d, d->vip_a, LONE_PORT, GFWD_MODE_NAT, GFWD_SCHED_ROUND_ROBIN, nb - 1, 1);
		b[nb++] = backend(d, 0, DSR_PORT);
		b[nb++] = backend(d, 1, DSR_PORT);
		s[ns++] = service(d, d->vip_dsr, DSR_PORT, GFWD_MODE_DSR, GFWD_SCHED_MAGLEV, nb - 2, 2);
		b[nb++] = backend(d, 1, RR_BACKEND_PORT);
		s[ns++] = service(d, d->vip_a, 70, GFWD_MODE_NAT, GFWD_SCHED_ROUND_ROBIN, nb - 1, 1);
		s[ns++] = service(d, d->vip_b, 70, GFWD_MODE_NAT, GFWD_SCHED_ROUND_ROBIN, nb - 1, 1);
		b[nb++] = backend(d, 1, FULLNAT_BACKEND_PORT);
		s[ns++] = service(d, d->vip_b, 60, GFWD_MODE_FULLNAT, GFWD_SCHED_MAGLEV, nb - 1, 1);
	}
	if (gfwd_commit(1, s, ns, b, nb, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
	for (int k = 0; k < 2; k++) {
		neighbour(fams[k], fams[k]->backend[0], BACKEND_MAC);
		neighbour(fams[k], fams[k]->backend[1], BACKEND_MACS[1]);
		neighbour(fams[k], fams[k]->client, CLIENT_MAC);
	}
}

/* ---------------------------------------------------------------- frames */

static void ip(struct frame *f, const struct family_def *d, const char *src, const char *dst, uint8_t ttl)
{
	if (d->family == GFWD_AF_INET)
		frame_ipv4_ttl(f, src, dst, IPPROTO_TCP, ttl);
	else
		frame_ipv6_hop(f, src, dst, IPPROTO_TCP, ttl);
}

/* A TCP segment from src:sport to dst:dport between these MACs, TTL 64 as sent or 63 as forwarded. */
static struct frame segment(const struct family_def *d, const uint8_t dst_mac[6], const uint8_t src_mac[6],
			    const char *src, uint16_t sport, const char *dst, uint16_t dport, uint8_t flags, uint8_t ttl)
{
	struct frame f = frame_new();
	frame_eth_type(&f, dst_mac, src_mac, d->ether_type);
	ip(&f, d, src, dst, ttl);
	frame_tcp(&f, sport, dport, flags);
	frame_payload(&f, "bytes of a long-lived connection");
	frame_done(&f);
	return f;
}

static bool same(const struct outcome *o, const struct frame *want)
{
	return o->port == 0 && o->drop < 0 && o->out.len == want->len && memcmp(o->out.b, want->b, want->len) == 0;
}

static struct outcome push_checked(const struct frame *in, const char *what)
{
	struct outcome o = push(in);
	CHECK(o.leaked == 0, "%s: %d mbufs leaked", what, o.leaked);
	return o;
}

/* Which backend (0, 1) a frame forwarded to a backend went to; -1 if none of them. */
static int backend_of(const struct family_def *d, const struct outcome *o)
{
	if (o->port != 0)
		return -1;
	uint8_t want[16];
	for (int i = 0; i < 2; i++) {
		inet_pton(d->af, d->backend[i], want);
		int off = d->family == GFWD_AF_INET ? 14 + 16 : 14 + 24;
		if (memcmp(o->out.b + off, want, d->family == GFWD_AF_INET ? 4 : 16) == 0)
			return i;
	}
	return -1;
}

static struct flow *flow_of(const struct family_def *d, const char *client, uint16_t sport, const char *vip,
			    uint16_t vport)
{
	struct flow_key k = { .proto = IPPROTO_TCP, .family = d->family, .sport = rte_cpu_to_be_16(sport),
			      .dport = rte_cpu_to_be_16(vport) };
	inet_pton(d->af, client, k.src.b);
	inet_pton(d->af, vip, k.dst.b);
	enum flow_dir dir;
	return flow_lookup(test_worker->flows, &k, flow_key_hash(&k), test_worker->now, &dir);
}

/* The forwarder that never saw it: the flow is gone (as on a VIP's new owner). */
static void forget(const struct family_def *d, const char *client, uint16_t sport, const char *vip, uint16_t vport)
{
	struct flow *f = flow_of(d, client, sport, vip, vport);
	if (f != NULL)
		flow_remove(test_worker->flows, f);
}

/* Where the scheduler sends client:sport → vip:NAT_PORT, as a forward packet shows it (then forgotten). */
static int scheduled_from(const struct family_def *d, const char *client, uint16_t sport, const char *vip)
{
	struct frame syn = segment(d, PORT_MAC, CLIENT_MAC, client, sport, vip, NAT_PORT, TCP_SYN, 64);
	struct outcome o = push_checked(&syn, "scheduling SYN");
	forget(d, client, sport, vip, NAT_PORT);
	return backend_of(d, &o);
}

static int scheduled(const struct family_def *d, uint16_t sport, const char *vip)
{
	return scheduled_from(d, d->client, sport, vip);
}

static uint64_t event(enum gfwd_event e) { return test_worker->cnt.event[e]; }

/* ---------------------------------------------------------------- the return path */

/* For many client ports: which of the two VIPs sharing the backends sends the tuple to each
 * backend decides what a reply from that backend does on a forwarder without the flow. */
static void replies_find_their_service(const struct family_def *d)
{
	int translated[2] = { 0, 0 }, ambiguous = 0;
	for (uint16_t sport = 42000; sport < 42064; sport++) {
		int to_a = scheduled(d, sport, d->vip_a), to_b = scheduled(d, sport, d->vip_b);
		CHECK(to_a >= 0 && to_b >= 0, "%s port %u: both VIPs forward (to %d, %d)", d->client, sport, to_a, to_b);
		for (int be = 0; be < 2; be++) {
			bool from_a = to_a == be, from_b = to_b == be;
			struct frame reply = segment(d, PORT_MAC, BACKEND_MAC, d->backend[be], BACKEND_PORT, d->client, sport,
						     TCP_ACK | TCP_PSH, 64);
			uint64_t recovered = event(EV_REPLY_FLOWS), flows = event(EV_NEW_FLOWS);
			struct outcome o = push_checked(&reply, "reply");
			if (from_a != from_b) {
				const char *vip = from_a ? d->vip_a : d->vip_b;
				struct frame want = segment(d, CLIENT_MAC, PORT_MAC, vip, NAT_PORT, d->client, sport,
							    TCP_ACK | TCP_PSH, 63);
				CHECK(same(&o, &want), "%s port %u, reply of backend %d: translated from %s (port %d drop %d)",
				      d->client, sport, be, vip, o.port, o.drop);
				CHECK(event(EV_REPLY_FLOWS) - recovered == 1 && event(EV_NEW_FLOWS) - flows == 1,
				      "%s port %u: counted as one reply_flows", d->client, sport);
				struct flow *f = flow_of(d, d->client, sport, vip, NAT_PORT);
				CHECK(f != NULL && f->state == FLOW_TCP_ESTABLISHED &&
				      f->expires - test_worker->now == TCP_ESTABLISHED_TIMEOUT_S,
				      "%s port %u: an established flow, as the client's packet would have made", d->client, sport);
				/* The flow is the one the client's next packet uses, and its replies follow it. */
				struct frame ack = segment(d, PORT_MAC, CLIENT_MAC, d->client, sport, vip, NAT_PORT, TCP_ACK, 64);
				struct frame ack_out = segment(d, BACKEND_MACS[be], PORT_MAC, d->client, sport, d->backend[be],
							       BACKEND_PORT, TCP_ACK, 63);
				flows = event(EV_NEW_FLOWS);
				o = push_checked(&ack, "client's ack");
				CHECK(same(&o, &ack_out) && event(EV_NEW_FLOWS) == flows,
				      "%s port %u: the client's next packet follows the recovered flow", d->client, sport);
				o = push_checked(&reply, "second reply");
				CHECK(same(&o, &want) && event(EV_REPLY_FLOWS) - recovered == 1,
				      "%s port %u: the next reply follows it too", d->client, sport);
				forget(d, d->client, sport, vip, NAT_PORT);
				translated[from_a ? 0 : 1]++;
			} else {
				CHECK(o.port < 0 && o.drop == DROP_NO_FLOW_AMBIGUOUS,
				      "%s port %u, backend %d chosen by %s: no_flow_ambiguous, got port %d drop %d", d->client,
				      sport, be, from_a ? "both VIPs" : "neither VIP", o.port, o.drop);
				CHECK(event(EV_REPLY_FLOWS) == recovered && event(EV_NEW_FLOWS) == flows, "no flow made");
				ambiguous++;
			}
		}
	}
	/* 64 tuples over 2 backends: each outcome turns up (the test would prove nothing otherwise). */
	CHECK(translated[0] > 0 && translated[1] > 0 && ambiguous > 0,
	      "%s: replies translated from vip_a %d, from vip_b %d, ambiguous %d", d->client, translated[0], translated[1],
	      ambiguous);
}

/* One NAT service has the backend: its reply is that service's, whatever its scheduler (round
 * robin here); a SYN-ACK makes a flow in the SYN state. */
static void a_lone_service_needs_no_scheduler(const struct family_def *d)
{
	struct frame synack = segment(d, PORT_MAC, BACKEND_MAC, d->backend[0], LONE_BACKEND_PORT, d->client, 43000,
				      TCP_SYN | TCP_ACK, 64);
	struct frame want = segment(d, CLIENT_MAC, PORT_MAC, d->vip_a, LONE_PORT, d->client, 43000, TCP_SYN | TCP_ACK, 63);
	uint64_t recovered = event(EV_REPLY_FLOWS);
	struct outcome o = push_checked(&synack, "lone service's SYN-ACK");
	CHECK(same(&o, &want), "%s: the lone NAT service's reply translated (port %d drop %d)", d->client, o.port, o.drop);
	CHECK(event(EV_REPLY_FLOWS) - recovered == 1, "counted");
	struct flow *f = flow_of(d, d->client, 43000, d->vip_a, LONE_PORT);
	CHECK(f != NULL && f->state == FLOW_TCP_SYN, "%s: a SYN-ACK's flow starts in SYN", d->client);
}

static void replies_that_stay_dropped(const struct family_def *d)
{
	struct frame rr = segment(d, PORT_MAC, BACKEND_MAC, d->backend[1], RR_BACKEND_PORT, d->client, 43001, TCP_ACK, 64);
	struct frame fullnat = segment(d, PORT_MAC, BACKEND_MAC, d->backend[1], FULLNAT_BACKEND_PORT, d->client, 43002,
				       TCP_ACK, 64);
	struct frame stranger = segment(d, PORT_MAC, BACKEND_MAC, d->backend[1], 5555, d->client, 43003, TCP_ACK, 64);
	struct frame rst = segment(d, PORT_MAC, BACKEND_MAC, d->backend[0], BACKEND_PORT, d->client, 43004, TCP_RST, 64);
	struct frame dsr = segment(d, PORT_MAC, BACKEND_MAC, d->backend[0], DSR_PORT, d->client, 43005, TCP_ACK, 64);
	const struct {
		const char *what;
		const struct frame *in;
		enum gfwd_drop why;
	} rows[] = {
		{ "two round-robin services have the backend: no scheduler can tell", &rr, DROP_NO_FLOW_AMBIGUOUS },
		{ "a full-NAT backend's reply to a client: not ours to translate", &fullnat, DROP_NO_SERVICE },
		{ "a port no service has", &stranger, DROP_NO_SERVICE },
		{ "a reset opens nothing", &rst, DROP_RST_WITHOUT_FLOW },
		{ "a DSR backend answers clients itself", &dsr, DROP_NO_SERVICE },
	};
	for (unsigned i = 0; i < RTE_DIM(rows); i++) {
		uint64_t flows = event(EV_NEW_FLOWS);
		struct outcome o = push_checked(rows[i].in, rows[i].what);
		CHECK(o.port < 0 && o.drop == (int)rows[i].why && event(EV_NEW_FLOWS) == flows,
		      "%s %s: dropped as %d, got port %d drop %d", d->client, rows[i].what, rows[i].why, o.port, o.drop);
	}
}

/* A source port from `first` on at which `client`'s connections to the two VIPs go to different
 * backends, so a backend's reply names one VIP alone; returns vip_a's backend (-1: none in 100). */
static int a_tuple_the_vips_send_apart(const struct family_def *d, const char *client, uint16_t first,
                                       uint16_t *sport)
{
	for (uint16_t p = first; p < first + 100; p++) {
		int a = scheduled_from(d, client, p, d->vip_a), b = scheduled_from(d, client, p, d->vip_b);
		if (a >= 0 && a != b) {
			*sport = p;
			return a;
		}
	}
	return -1;
}

/* A client whose MAC this forwarder does not know (the old owner learnt it from the client's
 * packets): the reply is dropped, the client asked for; once it answers, the backend's
 * retransmission makes the flow. Off every prefix without a gateway there is no one to ask. */
static void a_client_not_yet_resolved(const struct family_def *d)
{
	uint16_t sport;
	int be = a_tuple_the_vips_send_apart(d, d->client2, 43100, &sport);
	CHECK(be >= 0, "%s: a tuple the two VIPs send apart", d->client2);
	if (be < 0)
		return;
	struct frame reply = segment(d, PORT_MAC, BACKEND_MAC, d->backend[be], BACKEND_PORT, d->client2, sport, TCP_ACK, 64);
	uint8_t a[16] = { 0 };
	inet_pton(d->af, d->client2, a);
	struct addr client2;
	memcpy(client2.b, a, 16);
	struct outcome o = push_checked(&reply, "reply to an unresolved client");
	CHECK(o.port < 0 && o.drop == DROP_NEIGH_UNRESOLVED, "%s: neighbor_unresolved, got port %d drop %d", d->client2,
	      o.port, o.drop);
	uint16_t hop = neigh_find(&dp.neigh, d->family, &client2);
	CHECK(hop != NEIGH_NONE, "%s: the client is in the neighbour table, to be asked for", d->client2);
	if (hop == NEIGH_NONE)
		return;
	struct rte_ether_addr mac;
	memcpy(mac.addr_bytes, CLIENT2_MAC, 6);
	neigh_learn(&dp.neigh, d->family, &client2, &mac, 0);   /* its answer, as arp.c/ndp.c learn it */
	struct frame want = segment(d, CLIENT2_MAC, PORT_MAC, d->vip_a, NAT_PORT, d->client2, sport, TCP_ACK, 63);
	o = push_checked(&reply, "retransmitted reply");
	CHECK(same(&o, &want), "%s: once resolved, the retransmission is translated (port %d drop %d)", d->client2, o.port,
	      o.drop);

	/* The far client's own tuple: which backend answers it depends on its hash, not client2's. */
	uint16_t far_sport;
	int far_be = a_tuple_the_vips_send_apart(d, d->far_client, 43300, &far_sport);
	CHECK(far_be >= 0, "%s: a tuple the two VIPs send apart", d->far_client);
	if (far_be < 0)
		return;
	struct frame far = segment(d, PORT_MAC, BACKEND_MAC, d->backend[far_be], BACKEND_PORT, d->far_client, far_sport,
	                           TCP_ACK, 64);
	o = push_checked(&far, "reply to a client off every prefix");
	CHECK(o.port < 0 && o.drop == DROP_NEIGH_UNRESOLVED, "%s: no route without a gateway: neighbor_unresolved, got %d",
	      d->far_client, o.drop);
}

/* ---------------------------------------------------------------- forward, mid-stream */

/* A data segment of a connection opened through another forwarder, to a NAT and a DSR VIP:
 * forwarded where a SYN of the same tuple goes, as an established flow. */
static void forward_accepts_midstream(const struct family_def *d)
{
	static const uint8_t flags[] = { TCP_ACK, TCP_ACK | TCP_PSH, TCP_FIN | TCP_ACK };
	for (unsigned i = 0; i < RTE_DIM(flags); i++) {
		uint16_t sport = (uint16_t)(44000 + i);
		int be = scheduled(d, sport, d->vip_a);
		uint64_t midstream = event(EV_MIDSTREAM_FLOWS);
		struct frame in = segment(d, PORT_MAC, CLIENT_MAC, d->client, sport, d->vip_a, NAT_PORT, flags[i], 64);
		struct frame want = segment(d, BACKEND_MACS[be < 0 ? 0 : be], PORT_MAC, d->client, sport,
					    d->backend[be < 0 ? 0 : be],
					    BACKEND_PORT, flags[i], 63);
		struct outcome o = push_checked(&in, "NAT mid-stream");
		CHECK(same(&o, &want), "%s NAT flags %#x: forwarded to the SYN's backend %d (port %d drop %d)", d->client,
		      flags[i], be, o.port, o.drop);
		CHECK(event(EV_MIDSTREAM_FLOWS) - midstream == 1, "NAT flags %#x: midstream_flows", flags[i]);

		/* DSR: only the MACs change (the TTL stays); the backend, told by its MAC, is the SYN's. */
		struct frame dsr_syn = segment(d, PORT_MAC, CLIENT_MAC, d->client, sport, d->vip_dsr, DSR_PORT, TCP_SYN, 64);
		o = push_checked(&dsr_syn, "DSR SYN");
		int dsr_be = o.port == 0 && memcmp(o.out.b, BACKEND_MACS[1], 6) == 0;
		CHECK(o.port == 0, "DSR SYN forwarded");
		forget(d, d->client, sport, d->vip_dsr, DSR_PORT);
		midstream = event(EV_MIDSTREAM_FLOWS);
		struct frame dsr = segment(d, PORT_MAC, CLIENT_MAC, d->client, sport, d->vip_dsr, DSR_PORT, flags[i], 64);
		struct frame dsr_want = segment(d, BACKEND_MACS[dsr_be], PORT_MAC, d->client, sport, d->vip_dsr, DSR_PORT,
						flags[i], 64);
		o = push_checked(&dsr, "DSR mid-stream");
		CHECK(same(&o, &dsr_want), "%s DSR flags %#x: forwarded to the SYN's backend %d (port %d drop %d)", d->client,
		      flags[i], dsr_be, o.port, o.drop);
		CHECK(event(EV_MIDSTREAM_FLOWS) - midstream == 1, "DSR flags %#x: midstream_flows", flags[i]);
		struct flow *f = flow_of(d, d->client, sport, d->vip_dsr, DSR_PORT);
		CHECK(f != NULL && f->state == (flags[i] & TCP_FIN ? FLOW_TCP_CLOSING : FLOW_TCP_ESTABLISHED),
		      "%s DSR flags %#x: a flow in the state the packet says", d->client, flags[i]);
	}
}

/* Over many tuples both DSR backends turn up, and a mid-stream packet always goes where the
 * tuple's SYN went. */
static void dsr_midstream_uses_the_syns_backend(const struct family_def *d)
{
	int seen[2] = { 0, 0 };
	for (uint16_t sport = 45000; sport < 45032; sport++) {
		struct frame syn = segment(d, PORT_MAC, CLIENT_MAC, d->client, sport, d->vip_dsr, DSR_PORT, TCP_SYN, 64);
		struct outcome o = push_checked(&syn, "DSR SYN");
		int by_syn = memcmp(o.out.b, BACKEND_MACS[1], 6) == 0;
		forget(d, d->client, sport, d->vip_dsr, DSR_PORT);
		struct frame ack = segment(d, PORT_MAC, CLIENT_MAC, d->client, sport, d->vip_dsr, DSR_PORT, TCP_ACK, 64);
		o = push_checked(&ack, "DSR ACK");
		CHECK(o.port == 0 && memcmp(o.out.b, BACKEND_MACS[by_syn], 6) == 0,
		      "%s DSR port %u: the mid-stream packet goes to the SYN's backend %d", d->client, sport, by_syn);
		seen[by_syn]++;
		forget(d, d->client, sport, d->vip_dsr, DSR_PORT);
	}
	CHECK(seen[0] > 0 && seen[1] > 0, "%s: both DSR backends chosen (%d, %d)", d->client, seen[0], seen[1]);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	configure();
	const struct family_def *fams[] = { &V4, &V6 };
	for (int k = 0; k < 2; k++) {
		replies_find_their_service(fams[k]);
		a_lone_service_needs_no_scheduler(fams[k]);
		replies_that_stay_dropped(fams[k]);
		a_client_not_yet_resolved(fams[k]);
		forward_accepts_midstream(fams[k]);
		dsr_midstream_uses_the_syns_backend(fams[k]);
	}
	return report("test_nat_return");
}
