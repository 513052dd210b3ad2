/* SPDX-License-Identifier: Apache-2.0
 * The kernel interface of a data port (kernel.h): what the pipeline hands the kernel
 * (BGP and BFD addressed to the port, copies of ARP and NDP for it) and what it does not
 * (BGP to a VIP, other traffic to the port, a full-NAT reply from a backend on port 179),
 * and worker 0 carrying frames both ways. The kernel side is a ring port here; in the agent
 * it is a net_tap vdev. Every row checks the frame the kernel got is the one that arrived,
 * what went out, the drop counted, and that no mbuf leaked. */
#include <rte_eth_ring.h>
#include "harness.h"
#include "kernel.h"

static const uint8_t ROUTER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t BACKEND_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0b };
#define ROUTER "198.18.0.1"
#define ROUTER6 "2001:2::1"
#define ROUTER_LL "fe80::1"
#define VIP "198.18.0.200"
#define OTHER6 "2001:2::99"
#define BACKEND "198.18.0.11"
#define SNAT_FIRST 1024   /* one worker: the first port of the range */

static struct rte_ring *kernel_sends, *kernel_gets;   /* the kernel side's rings */
static char kernel_dev[RTE_ETH_NAME_MAX_LEN];         /* its ethdev's name */

static void attach_kernel(void)
{
	kernel_sends = rte_ring_create("kern_rx", 256, 0, 0);
	kernel_gets = rte_ring_create("kern_tx", 256, 0, 0);
	int eth = rte_eth_from_rings("kern0", &kernel_sends, 1, &kernel_gets, 1, 0);
	if (eth < 0 || kernel_attach(0, (uint16_t)eth, "kern0") != 0) {
		fprintf(stderr, "kernel_attach: %s\n", gfwd_last_error());
		exit(1);
	}
	/* gfwd_start() starts it with the port; the harness drives worker 0 by hand. */
	rte_eth_dev_start((uint16_t)eth);
	rte_eth_dev_get_name_by_port((uint16_t)eth, kernel_dev);
}

/* VIP:80 full NAT to BACKEND:179 (a backend listening on the BGP port), VIP:179 full NAT
 * (BGP to a VIP is a service like any other). */
static void commit(void)
{
	struct gfwd_backend b[2] = {
		{ .family = GFWD_AF_INET, .port = 179, .weight = 1 },
		{ .family = GFWD_AF_INET, .port = 179, .weight = 1 },
	};
	inet_pton(AF_INET, BACKEND, b[0].addr);
	inet_pton(AF_INET, BACKEND, b[1].addr);
	struct gfwd_service s[2] = {
		{ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = 80, .mode = GFWD_MODE_FULLNAT,
		  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .first_backend = 0, .n_backends = 1 },
		{ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = 179, .mode = GFWD_MODE_FULLNAT,
		  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .first_backend = 1, .n_backends = 1 },
	};
	inet_pton(AF_INET, VIP, s[0].vip);
	inet_pton(AF_INET, VIP, s[1].vip);
	uint8_t addr[16] = { 0 };
	inet_pton(AF_INET, BACKEND, addr);
	if (gfwd_neighbor_set(GFWD_AF_INET, addr, BACKEND_MAC) != 0 || gfwd_commit(1, s, 2, b, 2, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* ---------------------------------------------------------------- frames */

static void tcp4(struct frame *f, const char *src, const char *dst, uint16_t sport, uint16_t dport, uint8_t flags,
		 uint8_t ttl)
{
	frame_eth(f, PORT_MAC, ROUTER_MAC);
	frame_ipv4_ttl(f, src, dst, IPPROTO_TCP, ttl);
	frame_tcp(f, sport, dport, flags);
	frame_done(f);
}

static void bgp_open_to_port(struct frame *f) { tcp4(f, ROUTER, PORT_IP, 40000, 179, TCP_SYN, 1); }
static void bgp_answer_to_port(struct frame *f) { tcp4(f, ROUTER, PORT_IP, 179, 40001, TCP_SYN | TCP_ACK, 1); }
static void bgp_reset_to_port(struct frame *f) { tcp4(f, ROUTER, PORT_IP, 40002, 179, TCP_RST, 1); }
static void ssh_to_port(struct frame *f) { tcp4(f, ROUTER, PORT_IP, 40003, 22, TCP_SYN, 64); }
static void bgp_to_vip(struct frame *f) { tcp4(f, ROUTER, VIP, 40004, 179, TCP_SYN, 64); }
static void client_to_vip(struct frame *f) { tcp4(f, ROUTER, VIP, 40005, 80, TCP_SYN, 64); }

/* The backend's answer to client_to_vip, from port 179 to the SNAT port: a flow's reply. */
static void backend_reply_from_179(struct frame *f)
{
	frame_eth(f, PORT_MAC, BACKEND_MAC);
	frame_ipv4(f, BACKEND, PORT_IP, IPPROTO_TCP);
	frame_tcp(f, 179, SNAT_FIRST, TCP_SYN | TCP_ACK);
	frame_done(f);
}

static void udp4(struct frame *f, uint16_t dport, uint8_t ttl)
{
	frame_eth(f, PORT_MAC, ROUTER_MAC);
	frame_ipv4_ttl(f, ROUTER, PORT_IP, IPPROTO_UDP, ttl);
	frame_udp(f, 49152, dport);
	frame_payload(f, "bfd-control-packet-24-b");
	frame_done(f);
}

static void bfd_control(struct frame *f) { udp4(f, 3784, 255); }
static void bfd_echo(struct frame *f) { udp4(f, 3785, 255); }
static void bfd_multihop(struct frame *f) { udp4(f, 4784, 250); }
static void udp_3786_to_port(struct frame *f) { udp4(f, 3786, 64); }

static void bgp6_open_to_port(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, ROUTER_MAC, 0x86dd);
	frame_ipv6_hop(f, ROUTER6, PORT_IP6, IPPROTO_TCP, 1);
	frame_tcp(f, 40010, 179, TCP_SYN);
	frame_done(f);
}

static void arp(struct frame *f, const uint8_t dst[6], uint16_t op, const char *target)
{
	frame_eth_type(f, dst, ROUTER_MAC, 0x0806);
	frame_arp(f, op, ROUTER_MAC, ROUTER, op == 1 ? ZERO_MAC : PORT_MAC, target);
}

static void arp_request_for_port(struct frame *f) { arp(f, BCAST_MAC, 1, PORT_IP); }
static void arp_request_for_vip(struct frame *f) { arp(f, BCAST_MAC, 1, VIP); }
static void arp_reply_to_port(struct frame *f) { arp(f, PORT_MAC, 2, PORT_IP); }

static const uint8_t SOLICITED_PORT6_MAC[6] = { 0x33, 0x33, 0xff, 0, 0, 0x02 };

static void nd(struct frame *f, const uint8_t dst_mac[6], const char *src, const char *dst, uint8_t type,
	       const char *target)
{
	frame_eth_type(f, dst_mac, ROUTER_MAC, 0x86dd);
	frame_ipv6_hop(f, src, dst, IPPROTO_ICMPV6, 255);
	frame_nd(f, type, type == ND_ADVERT ? 0x60 : 0, target, type == ND_ADVERT ? 2 : 1, ROUTER_MAC);
	frame_done(f);
}

static void ns_for_port6(struct frame *f) { nd(f, SOLICITED_PORT6_MAC, ROUTER6, "ff02::1:ff00:2", ND_SOLICIT, PORT_IP6); }
static void ns_for_link_local(struct frame *f)
{
	nd(f, PORT_MAC, ROUTER_LL, "fe80::67:61ff:fe74:1", ND_SOLICIT, "fe80::67:61ff:fe74:1");
}
static void na_to_port6(struct frame *f) { nd(f, PORT_MAC, ROUTER6, PORT_IP6, ND_ADVERT, ROUTER6); }
static void na_to_link_local(struct frame *f) { nd(f, PORT_MAC, ROUTER_LL, "fe80::67:61ff:fe74:1", ND_ADVERT, ROUTER_LL); }
static void ns_for_other6(struct frame *f) { nd(f, PORT_MAC, ROUTER6, OTHER6, ND_SOLICIT, OTHER6); }
static void dad_for_port6(struct frame *f) { nd(f, SOLICITED_PORT6_MAC, "::", "ff02::1:ff00:2", ND_SOLICIT, PORT_IP6); }

/* ---------------------------------------------------------------- rows */

struct kernel_case {
	const char *name;
	void (*input)(struct frame *);
	bool to_kernel;   /* the kernel gets exactly the input */
	bool sent;        /* a frame leaves by port 0 (the data plane's own answer or forward) */
	int drop;         /* the drop counted, -1 none */
};

static const struct kernel_case without_kernel[] = {
	{ "no kernel interface: eBGP (TTL 1) to the port is dropped", bgp_open_to_port, false, false, DROP_TTL_EXCEEDED },
	{ "no kernel interface: BFD to the port is dropped", bfd_control, false, false, DROP_NO_FLOW },
	{ "no kernel interface: an ARP request for the port is answered only", arp_request_for_port, false, true, -1 },
};

static const struct kernel_case with_kernel[] = {
	{ "eBGP SYN (TTL 1) to the port goes to the kernel", bgp_open_to_port, true, false, -1 },
	{ "BGP from port 179 (the kernel connected) goes to the kernel", bgp_answer_to_port, true, false, -1 },
	{ "a BGP reset goes to the kernel, not to rst_without_flow", bgp_reset_to_port, true, false, -1 },
	{ "BGP over IPv6 to the port goes to the kernel", bgp6_open_to_port, true, false, -1 },
	{ "BFD control (3784) goes to the kernel", bfd_control, true, false, -1 },
	{ "BFD echo (3785) goes to the kernel", bfd_echo, true, false, -1 },
	{ "multihop BFD (4784) goes to the kernel", bfd_multihop, true, false, -1 },
	{ "SSH to the port stays the data plane's (no flow)", ssh_to_port, false, false, DROP_NO_FLOW },
	{ "UDP 3786 to the port stays the data plane's (no flow)", udp_3786_to_port, false, false, DROP_NO_FLOW },
	{ "BGP to a VIP is the VIP's service: forwarded", bgp_to_vip, false, true, -1 },
	{ "a client of VIP:80 (backend on 179) is forwarded", client_to_vip, false, true, -1 },
	{ "the backend's reply from 179 follows its flow, not the kernel", backend_reply_from_179, false, true, -1 },
	{ "ARP request for the port: answered, and a copy to the kernel", arp_request_for_port, true, true, -1 },
	{ "ARP request for a VIP: answered, nothing to the kernel", arp_request_for_vip, false, true, -1 },
	{ "ARP reply to the port: learnt, and a copy to the kernel", arp_reply_to_port, true, false, -1 },
	{ "NS for the port's IPv6 address: answered, and a copy", ns_for_port6, true, true, -1 },
	{ "NS for a link-local address: the kernel's alone", ns_for_link_local, true, false, DROP_NOT_FOR_US },
	{ "NA to the port's IPv6 address: learnt, and a copy", na_to_port6, true, false, -1 },
	{ "NA to a link-local address: a copy", na_to_link_local, true, false, -1 },
	{ "NS for another address: neither answered nor the kernel's", ns_for_other6, false, false, DROP_NOT_FOR_US },
	{ "DAD probe for the port's address: not the kernel's", dad_for_port6, false, true, -1 },
};

static void run(const struct kernel_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct kernel_case *c = &cases[i];
		struct frame in = frame_new();
		c->input(&in);
		struct outcome o = push(&in);
		CHECK(o.leaked == 0, "%s: %d mbufs leaked", c->name, o.leaked);
		CHECK(o.punted == 0, "%s: nothing is for the agent, got %d", c->name, o.punted);
		CHECK(o.to_kernel == (c->to_kernel ? 1 : 0), "%s: %d frames for the kernel", c->name, o.to_kernel);
		if (c->to_kernel && o.to_kernel == 1)
			CHECK(o.kernel.len == in.len && memcmp(o.kernel.b, in.b, in.len) == 0,
			      "%s: the kernel's frame is not the one that arrived", c->name);
		CHECK(c->sent ? o.port == 0 : o.port < 0, "%s: output port %d", c->name, o.port);
		CHECK(o.drop == c->drop, "%s: drop %d, want %d", c->name, o.drop, c->drop);
	}
}

/* The hand-driven worker's counters (it is not one of dp.workers: gfwd_counters_read skips it). */
static uint64_t counter(enum gfwd_event ev)
{
	return test_worker->cnt.event[ev];
}

static struct rte_mbuf *mbuf_of(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	memcpy(rte_pktmbuf_append(m, f->len), f->b, f->len);
	return m;
}

/* Worker 0's turn: what the workers queued reaches the kernel side, what the kernel sent
 * leaves by the data port byte for byte. */
static void worker_zero_carries_both_ways(void)
{
	unsigned before = rte_mempool_avail_count(dp.pool);
	uint64_t punted = counter(EV_KERNEL_PUNTED), injected = counter(EV_KERNEL_INJECTED);
	struct frame up = frame_new(), down = frame_new();
	bgp_open_to_port(&up);
	tcp4(&down, PORT_IP, ROUTER, 179, 40000, TCP_SYN | TCP_ACK, 1);   /* the kernel's answer */
	memcpy(down.b, ROUTER_MAC, 6);
	memcpy(down.b + 6, PORT_MAC, 6);
	rte_ring_enqueue(dp.ports[0].to_kernel, mbuf_of(&up));
	rte_ring_enqueue(kernel_sends, mbuf_of(&down));

	struct worker *w = test_worker;
	unsigned n = kernel_poll(w);
	CHECK(n == 2, "kernel_poll moved %u frames, want 2", n);
	struct rte_mbuf *m = NULL;
	CHECK(rte_ring_dequeue(kernel_gets, (void **)&m) == 0, "the kernel side got nothing");
	if (m != NULL) {
		CHECK(rte_pktmbuf_pkt_len(m) == up.len && memcmp(rte_pktmbuf_mtod(m, void *), up.b, up.len) == 0,
		      "the kernel got another frame");
		rte_pktmbuf_free(m);
	}
	CHECK(w->tx[0].n == 1, "%u frames queued on the data port, want 1", w->tx[0].n);
	if (w->tx[0].n == 1) {
		struct rte_mbuf *out = w->tx[0].m[0];
		CHECK(rte_pktmbuf_pkt_len(out) == down.len && memcmp(rte_pktmbuf_mtod(out, void *), down.b, down.len) == 0,
		      "the kernel's frame left changed");
		rte_pktmbuf_free(out);
		w->tx[0].n = 0;
	}
	CHECK(counter(EV_KERNEL_INJECTED) == injected + 1, "kernel_injected did not count the kernel's frame");
	CHECK(counter(EV_KERNEL_PUNTED) == punted, "kernel_punted counts what workers hand over, not worker 0's sends");
	CHECK(kernel_poll(w) == 0, "an idle kernel interface moves nothing");
	CHECK(rte_mempool_avail_count(dp.pool) == before, "mbufs leaked carrying frames");
}

static void attach_refused_twice(void)
{
	CHECK(gfwd_port_kernel_add(0, "") == -EINVAL, "empty devargs accepted");
	CHECK(gfwd_port_kernel_add(0, kernel_dev) == -EEXIST, "a second kernel interface accepted");
	CHECK(strstr(gfwd_last_error(), "already has a kernel interface") != NULL, "error: %s", gfwd_last_error());
	CHECK(gfwd_port_kernel_add(5, kernel_dev) == -EINVAL, "a kernel interface for a port that does not exist");
}

/* The client's SYN and the backend's reply from 179 in one burst, on a worker of its own (so
 * the reply's SNAT port is the first again): the reply finds the flow its SYN opens in that
 * burst, as taking them one at a time would, though its signature was in no bucket when the
 * burst's lookups began: the kernel's test lets the opening finish first, and the lookup
 * after it must not go by what the bucket held before. */
static void reply_in_the_syns_burst(void)
{
	struct worker *w = worker_create(0, 1, 0, 4096, 0);
	struct frame in[2] = { frame_new(), frame_new() };
	client_to_vip(&in[0]);
	backend_reply_from_179(&in[1]);
	struct rte_mbuf *m[2];
	for (int i = 0; i < 2; i++) {
		m[i] = rte_pktmbuf_alloc(dp.pool);
		memcpy(rte_pktmbuf_append(m[i], in[i].len), in[i].b, in[i].len);
	}
	unsigned to_kernel = rte_ring_count(dp.ports[0].to_kernel);
	worker_tick(w);
	pipeline_burst(w, dp_config(), 0, m, 2);
	uint64_t dropped = 0;
	for (int d = 0; d < DROP_MAX; d++)
		dropped += w->cnt.drop[d];
	CHECK(w->tx[0].n == 2 && dropped == 0 && rte_ring_count(dp.ports[0].to_kernel) == to_kernel &&
	      w->cnt.event[EV_REV_PACKETS] == 1,
	      "a reply from 179 in its SYN's burst follows the flow (%u sent, %llu dropped, %u to the kernel)", w->tx[0].n,
	      (unsigned long long)dropped, rte_ring_count(dp.ports[0].to_kernel) - to_kernel);
	rte_pktmbuf_free_bulk(w->tx[0].m, w->tx[0].n);
	w->tx[0].n = 0;
	worker_free(w);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	commit();
	run(without_kernel, sizeof(without_kernel) / sizeof(without_kernel[0]));
	attach_kernel();
	uint64_t punted = counter(EV_KERNEL_PUNTED);
	run(with_kernel, sizeof(with_kernel) / sizeof(with_kernel[0]));
	uint64_t want = 0;
	for (size_t i = 0; i < sizeof(with_kernel) / sizeof(with_kernel[0]); i++)
		want += with_kernel[i].to_kernel;
	CHECK(counter(EV_KERNEL_PUNTED) == punted + want, "kernel_punted %llu, want %llu",
	      (unsigned long long)(counter(EV_KERNEL_PUNTED) - punted), (unsigned long long)want);
	worker_zero_carries_both_ways();
	reply_in_the_syns_burst();
	attach_refused_twice();
	return report("test_kernel");
}
