/* SPDX-License-Identifier: Apache-2.0
 * Passive health counters (passive.h), table-driven through the real pipeline: each row
 * pushes one frame and names the one backend counter it must move by one; every other
 * passive counter of every backend must stay where it was, and no mbuf may leak. The rows
 * run in order and share the worker's flows (a SYN-ACK answers the SYN of the row before).
 * Afterwards a commit of the same services must carry every count over. */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
static const uint8_t B_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0b };
#define CLIENT "198.18.0.100"
#define VIP "198.18.0.210"
#define ROUTER "198.18.0.1"
#define B_NAT "198.18.0.11"
#define B_FULL "198.18.0.12"
#define B_UDP "198.18.0.13"
#define B_DSR "198.18.0.14"
#define CLIENT6 "2001:2::100"
#define VIP6 "2001:2::200"
#define B6 "2001:2::11"

/* Full-NAT source ports, taken in order from the first by this worker's flows. */
#define SNAT_FULL 1024
#define SNAT_UDP 1025
#define SNAT_V6 1026

static void die_with(const char *what, const char *why)
{
	fprintf(stderr, "%s: %s\n", what, why);
	exit(1);
}

/* ---------------------------------------------------------------- configuration */

enum { BE_NAT, BE_FULL, BE_UDP, BE_V6, BE_DSR, N_BACKENDS };

struct svc_def {
	const char *vip;
	uint8_t family, proto, mode;
	uint16_t port;
	const char *backend;
	uint16_t backend_port;
};

static const struct svc_def SERVICES[N_BACKENDS] = {
	[BE_NAT] = { VIP, 4, IPPROTO_TCP, GFWD_MODE_NAT, 80, B_NAT, 8080 },
	[BE_FULL] = { VIP, 4, IPPROTO_TCP, GFWD_MODE_FULLNAT, 81, B_FULL, 8080 },
	[BE_UDP] = { VIP, 4, IPPROTO_UDP, GFWD_MODE_FULLNAT, 53, B_UDP, 5353 },
	[BE_V6] = { VIP6, 6, IPPROTO_TCP, GFWD_MODE_FULLNAT, 80, B6, 8080 },
	[BE_DSR] = { VIP, 4, IPPROTO_TCP, GFWD_MODE_DSR, 82, B_DSR, 82 },
};

static void commit(uint64_t seq)
{
	struct gfwd_service s[N_BACKENDS];
	struct gfwd_backend b[N_BACKENDS];
	for (uint32_t i = 0; i < N_BACKENDS; i++) {
		const struct svc_def *d = &SERVICES[i];
		int af = d->family == 4 ? AF_INET : AF_INET6;
		s[i] = (struct gfwd_service){ .family = d->family, .proto = d->proto, .port = d->port,
					      .mode = d->mode, .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251,
					      .first_backend = i, .n_backends = 1 };
		inet_pton(af, d->vip, s[i].vip);
		b[i] = (struct gfwd_backend){ .family = d->family, .port = d->backend_port, .weight = 1 };
		inet_pton(af, d->backend, b[i].addr);
		uint8_t addr[16] = { 0 };
		inet_pton(af, d->backend, addr);
		if (gfwd_neighbor_set(d->family, addr, B_MAC) != 0)
			die_with("neighbour", gfwd_last_error());
	}
	if (gfwd_commit(seq, s, N_BACKENDS, b, N_BACKENDS, NULL, 0) != 0)
		die_with("commit", gfwd_last_error());
}

/* ---------------------------------------------------------------- reading the counters */

enum counter { SYNS, SYN_RETRANSMITS, SYN_ACKS, SYN_RESETS, UNREACHABLE, UDP_PORT_UNREACHABLE, N_COUNTERS, NONE };
static const char *const COUNTER_NAMES[N_COUNTERS] = { "syns", "syn_retransmits", "syn_acks", "syn_resets",
						       "unreachable", "udp_port_unreachable" };

/* Each backend's passive counters, by the service's port (the read's order is its own). */
static void read_counters(uint64_t out[N_BACKENDS][N_COUNTERS])
{
	struct gfwd_service_traffic s[N_BACKENDS];
	struct gfwd_backend_traffic b[N_BACKENDS];
	if (gfwd_traffic_read(s, N_BACKENDS, b, N_BACKENDS) != N_BACKENDS)
		die_with("traffic read", gfwd_last_error());
	for (uint32_t i = 0; i < N_BACKENDS; i++) {
		int def = -1;
		for (int d = 0; d < N_BACKENDS; d++)
			if (SERVICES[d].port == s[i].port && SERVICES[d].proto == s[i].proto &&
			    SERVICES[d].family == s[i].family)
				def = d;
		if (def < 0 || s[i].n_backends != 1)
			die_with("traffic read", "a service the test did not commit");
		const struct gfwd_backend_traffic *t = &b[s[i].first_backend];
		const uint64_t v[N_COUNTERS] = { t->syns, t->syn_retransmits, t->syn_acks, t->syn_resets,
						 t->unreachable, t->udp_port_unreachable };
		memcpy(out[def], v, sizeof(v));
	}
}

/* ---------------------------------------------------------------- frames */

static void tcp_in(struct frame *f, uint16_t cport, uint16_t vport, uint8_t flags)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, cport, vport, flags);
	frame_done(f);
}
/* NAT: the backend answers the client's own address. */
static void nat_back(struct frame *f, uint16_t cport, uint8_t flags)
{
	frame_eth(f, PORT_MAC, B_MAC);
	frame_ipv4(f, B_NAT, CLIENT, IPPROTO_TCP);
	frame_tcp(f, 8080, cport, flags);
	frame_done(f);
}
/* Full NAT: the backend answers the port's address and the source port chosen for it. */
static void full_back(struct frame *f, uint16_t snat, uint8_t flags)
{
	frame_eth(f, PORT_MAC, B_MAC);
	frame_ipv4(f, B_FULL, PORT_IP, IPPROTO_TCP);
	frame_tcp(f, 8080, snat, flags);
	frame_done(f);
}
/* An ICMP error from `from` quoting the first 28 bytes of what we sent `to`. */
static void icmp4_about(struct frame *f, const char *from, uint8_t type, uint8_t code, const char *to,
			uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct frame q = frame_new();
	frame_ipv4_ttl(&q, PORT_IP, to, proto, 63);
	if (proto == IPPROTO_UDP)
		frame_udp(&q, sport, dport);
	else
		frame_tcp(&q, sport, dport, TCP_SYN);
	frame_done(&q);
	frame_eth(f, PORT_MAC, B_MAC);
	frame_ipv4(f, from, PORT_IP, IPPROTO_ICMP);
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, type == 3 && code == 4 ? 1400 : 0);   /* the next-hop MTU of "fragmentation needed" */
	frame_bytes(f, q.b, 28);
	frame_done(f);
}

static void nat_syn(struct frame *f) { tcp_in(f, 40000, 80, TCP_SYN); }
static void nat_syn_ack(struct frame *f) { nat_back(f, 40000, TCP_SYN | TCP_ACK); }
static void nat_ack(struct frame *f) { tcp_in(f, 40000, 80, TCP_ACK); }
static void nat_data_back(struct frame *f) { nat_back(f, 40000, TCP_ACK | TCP_PSH); }
static void nat_syn2(struct frame *f) { tcp_in(f, 40001, 80, TCP_SYN); }
static void nat_rst(struct frame *f) { nat_back(f, 40001, TCP_RST | TCP_ACK); }
static void nat_rst_again(struct frame *f) { nat_back(f, 40001, TCP_RST); }
static void full_syn(struct frame *f) { tcp_in(f, 40002, 81, TCP_SYN); }
static void full_port_unreachable(struct frame *f)
{
	icmp4_about(f, B_FULL, 3, 3, B_FULL, IPPROTO_TCP, SNAT_FULL, 8080);
}
static void full_syn_again(struct frame *f) { tcp_in(f, 40002, 81, TCP_SYN); }
static void full_syn_ack(struct frame *f) { full_back(f, SNAT_FULL, TCP_SYN | TCP_ACK); }
static void full_syn_ack_again(struct frame *f) { full_back(f, SNAT_FULL, TCP_SYN | TCP_ACK); }
static void udp_in(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_UDP);
	frame_udp(f, 40003, 53);
	frame_payload(f, "query");
	frame_done(f);
}
static void udp_port_unreachable(struct frame *f)
{
	icmp4_about(f, B_UDP, 3, 3, B_UDP, IPPROTO_UDP, SNAT_UDP, 5353);
}
static void udp_host_unreachable_router(struct frame *f)
{
	icmp4_about(f, ROUTER, 3, 1, B_UDP, IPPROTO_UDP, SNAT_UDP, 5353);
}
static void udp_frag_needed(struct frame *f)
{
	icmp4_about(f, ROUTER, 3, 4, B_UDP, IPPROTO_UDP, SNAT_UDP, 5353);
}
static void udp_time_exceeded(struct frame *f)
{
	icmp4_about(f, ROUTER, 11, 0, B_UDP, IPPROTO_UDP, SNAT_UDP, 5353);
}
static void syn6(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 40004, 80, TCP_SYN);
	frame_done(f);
}
static void port_unreachable6(struct frame *f)
{
	struct frame q = frame_new();
	frame_ipv6_hop(&q, PORT_IP6, B6, IPPROTO_TCP, 63);
	frame_tcp(&q, SNAT_V6, 8080, TCP_SYN);
	frame_done(&q);
	frame_eth_type(f, PORT_MAC, B_MAC, 0x86dd);
	frame_ipv6(f, B6, PORT_IP6, IPPROTO_ICMPV6);
	put8(f, 1);
	put8(f, 4);
	put16(f, 0);
	put32(f, 0);
	frame_bytes(f, q.b, q.len);
	frame_done(f);
}
static void dsr_syn(struct frame *f) { tcp_in(f, 40005, 82, TCP_SYN); }
static void dsr_ack(struct frame *f) { tcp_in(f, 40005, 82, TCP_ACK); }
static void midstream(struct frame *f) { tcp_in(f, 40006, 80, TCP_ACK); }

/* ---------------------------------------------------------------- the table */

struct passive_case {
	const char *name;
	void (*input)(struct frame *);
	int backend;             /* whose counter moves */
	enum counter moves;      /* by one; NONE: no counter moves */
};

static const struct passive_case cases[] = {
	{ "NAT: a SYN opening a connection counts a SYN forwarded", nat_syn, BE_NAT, SYNS },
	{ "NAT: the client's SYN again before any answer is a retransmission", nat_syn, BE_NAT, SYN_RETRANSMITS },
	{ "NAT: the backend's SYN-ACK", nat_syn_ack, BE_NAT, SYN_ACKS },
	{ "NAT: the client's ACK establishes; nothing counts", nat_ack, BE_NAT, NONE },
	{ "NAT: data back on an established connection counts nothing", nat_data_back, BE_NAT, NONE },
	{ "NAT: a SYN-ACK after the connection is established counts nothing", nat_syn_ack, BE_NAT, NONE },
	{ "NAT: a second connection's SYN", nat_syn2, BE_NAT, SYNS },
	{ "NAT: RST answering that SYN", nat_rst, BE_NAT, SYN_RESETS },
	{ "NAT: a second RST once the connection is closing counts nothing", nat_rst_again, BE_NAT, NONE },
	{ "full NAT: a SYN", full_syn, BE_FULL, SYNS },
	{ "full NAT: port unreachable about it, from the backend (TCP: not a UDP port)", full_port_unreachable,
	  BE_FULL, UNREACHABLE },
	{ "full NAT: the SYN again", full_syn_again, BE_FULL, SYN_RETRANSMITS },
	{ "full NAT: the SYN-ACK to the port's address", full_syn_ack, BE_FULL, SYN_ACKS },
	{ "full NAT: the SYN-ACK repeated before the client's ACK: the backend answers again", full_syn_ack_again,
	  BE_FULL, SYN_ACKS },
	{ "UDP: a datagram opens a flow but is no SYN", udp_in, BE_UDP, NONE },
	{ "UDP: port unreachable from the backend", udp_port_unreachable, BE_UDP, UDP_PORT_UNREACHABLE },
	{ "UDP: host unreachable from a router on the way", udp_host_unreachable_router, BE_UDP, UNREACHABLE },
	{ "UDP: fragmentation needed is about the path, not the backend", udp_frag_needed, BE_UDP, NONE },
	{ "UDP: time exceeded is not unreachable", udp_time_exceeded, BE_UDP, NONE },
	{ "IPv6 full NAT: a SYN", syn6, BE_V6, SYNS },
	{ "IPv6: ICMPv6 port unreachable about it", port_unreachable6, BE_V6, UNREACHABLE },
	{ "DSR: a SYN counts (its answer goes past the forwarder)", dsr_syn, BE_DSR, SYNS },
	{ "DSR: the client's ACK counts nothing", dsr_ack, BE_DSR, NONE },
	{ "a connection seen mid-stream (not opened by a SYN) counts nothing", midstream, BE_NAT, NONE },
};

static void run_passive_table(void)
{
	uint64_t before[N_BACKENDS][N_COUNTERS], after[N_BACKENDS][N_COUNTERS];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct passive_case *c = &cases[i];
		read_counters(before);
		struct frame in = frame_new();
		c->input(&in);
		struct outcome o = push(&in);
		CHECK(o.leaked == 0, "%s: %d mbufs leaked", c->name, o.leaked);
		CHECK(o.port == 0, "%s: forwarded or translated as usual (port %d, drop %d)", c->name, o.port, o.drop);
		read_counters(after);
		for (int b = 0; b < N_BACKENDS; b++)
			for (int k = 0; k < N_COUNTERS; k++) {
				uint64_t want = before[b][k] + (b == c->backend && k == (int)c->moves ? 1 : 0);
				/* A UDP port unreachable is also an unreachable. */
				if (b == c->backend && c->moves == UDP_PORT_UNREACHABLE && k == UNREACHABLE)
					want++;
				CHECK(after[b][k] == want, "%s: backend %s %s is %lu, want %lu", c->name,
				      SERVICES[b].backend, COUNTER_NAMES[k], (unsigned long)after[b][k],
				      (unsigned long)want);
			}
	}
}

/* The counts are the data plane's memory of a backend: a commit that keeps it keeps them. */
static void carried_across_commits(void)
{
	uint64_t before[N_BACKENDS][N_COUNTERS], after[N_BACKENDS][N_COUNTERS];
	read_counters(before);
	commit(2);
	read_counters(after);
	CHECK(memcmp(before, after, sizeof(before)) == 0, "every passive count carried over a commit");
	CHECK(after[BE_NAT][SYNS] == 2 && after[BE_FULL][SYN_ACKS] == 2 && after[BE_UDP][UNREACHABLE] == 2,
	      "the totals are the table's (%lu SYNs, %lu SYN-ACKs, %lu unreachable)",
	      (unsigned long)after[BE_NAT][SYNS], (unsigned long)after[BE_FULL][SYN_ACKS],
	      (unsigned long)after[BE_UDP][UNREACHABLE]);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	commit(1);
	run_passive_table();
	carried_across_commits();
	return report("test_passive");
}
