/* SPDX-License-Identifier: Apache-2.0
 * Several workers: a flow's packets may arrive on any queue (the PMD's RSS is not ours to
 * choose, and NAT changes the tuple), yet both directions must meet the flow's worker.
 * Two workers, replies deliberately injected on the other queue. */
#include "live.h"

#define VIP "198.18.0.200"
#define BACKEND "198.18.0.11"
#define FLOWS 64

static void commit_both(void)
{
	struct gfwd_backend b = { .family = GFWD_AF_INET, .port = 8080, .weight = 1 };
	inet_pton(AF_INET, BACKEND, b.addr);
	struct gfwd_service s[3] = {
		{ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = 80, .mode = GFWD_MODE_FULLNAT,
		  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537, .first_backend = 0, .n_backends = 1 },
		{ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = 81, .mode = GFWD_MODE_NAT,
		  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537, .first_backend = 0, .n_backends = 1 },
		{ .family = GFWD_AF_INET, .proto = IPPROTO_UDP, .port = 53, .mode = GFWD_MODE_FULLNAT,
		  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537, .first_backend = 0, .n_backends = 1 },
	};
	for (int i = 0; i < 3; i++)
		inet_pton(AF_INET, VIP, s[i].vip);
	if (gfwd_commit(1, s, 3, &b, 1, NULL, 0) != 0)
		die("commit");
}

static void inject(uint16_t queue, const struct frame *f)
{
	while (gfwd_ring_inject_queue(0, queue, f->b, f->len) != 0)
		;
}

/* Opens FLOWS connections to vport on `in` and answers each on `out`; returns how many
 * answers reached the client translated. */
static int round_trip(uint16_t vport, uint16_t in, uint16_t out, uint16_t first_sport)
{
	int ok = 0;
	for (int i = 0; i < FLOWS; i++) {
		uint16_t sport = (uint16_t)(first_sport + i);
		struct frame syn = frame_new();
		frame_eth(&syn, PORT_MAC, CLIENT_MAC);
		frame_ipv4(&syn, "198.18.0.100", VIP, IPPROTO_TCP);
		frame_tcp(&syn, sport, vport, TCP_SYN);
		frame_done(&syn);
		inject(in, &syn);
		struct frame fwd = frame_new();
		if (!collect(&fwd, PATIENCE_S))
			continue;
		/* The backend answers whoever the forwarder made the source. */
		struct frame ans = frame_new();
		uint8_t src_ip[4];
		memcpy(src_ip, fwd.b + 14 + 12, 4);
		char dst[16];
		snprintf(dst, sizeof(dst), "%u.%u.%u.%u", src_ip[0], src_ip[1], src_ip[2], src_ip[3]);
		frame_eth(&ans, PORT_MAC, CLIENT_MAC);
		frame_ipv4(&ans, BACKEND, dst, IPPROTO_TCP);
		frame_tcp(&ans, 8080, get16(fwd.b + 14 + 20), TCP_SYN | TCP_ACK);
		frame_done(&ans);
		inject(out, &ans);
		struct frame back = frame_new();
		if (!collect(&back, PATIENCE_S))
			continue;
		struct in_addr vip;
		inet_pton(AF_INET, VIP, &vip);
		ok += memcmp(back.b + 14 + 12, &vip, 4) == 0 && get16(back.b + 14 + 22) == sport &&
		      get16(back.b + 14 + 20) == vport;
	}
	return ok;
}

/* IPv4 fragment of d covering L4 bytes [from, to). */
static struct frame fragment(const struct frame *d, unsigned from, unsigned to)
{
	struct frame f = frame_new();
	frame_bytes(&f, d->b, (size_t)d->l4);
	uint8_t *ip = f.b + 14;
	set16(ip + 2, (uint16_t)(20 + to - from));
	set16(ip + 6, (uint16_t)((to < (unsigned)(d->len - d->l4) ? 0x2000 : 0) | from / 8));
	set16(ip + 10, 0);
	set16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
	frame_bytes(&f, d->b + d->l4 + from, to - from);
	return f;
}

/* A datagram's later fragment may arrive on another queue than its first: it is handed to
 * the worker that noted the first, in both directions. Returns how many of the four
 * fragments came out where they belong. */
static int fragments_on_both_queues(uint16_t first_queue, uint16_t later_queue, uint16_t sport)
{
	static uint8_t payload[1200];
	struct frame d = frame_new();
	frame_eth(&d, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&d, "198.18.0.100", VIP, IPPROTO_UDP);
	frame_udp(&d, sport, 53);
	frame_bytes(&d, payload, sizeof(payload));
	frame_done(&d);
	struct frame first = fragment(&d, 0, 1000), later = fragment(&d, 1000, 1208), out = frame_new();
	int ok = 0;
	inject(first_queue, &first);
	if (!collect(&out, PATIENCE_S))
		return ok;
	ok += memcmp(out.b + 14 + 16, "\xc6\x12\x00\x0b", 4) == 0;
	uint16_t snat = get16(out.b + 14 + 20);
	inject(later_queue, &later);
	if (!collect(&out, PATIENCE_S))
		return ok;
	ok += memcmp(out.b + 14 + 16, "\xc6\x12\x00\x0b", 4) == 0;

	struct frame a = frame_new();
	frame_eth(&a, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&a, BACKEND, PORT_IP, IPPROTO_UDP);
	frame_udp(&a, 8080, snat);
	frame_bytes(&a, payload, sizeof(payload));
	frame_done(&a);
	struct frame afirst = fragment(&a, 0, 1000), alater = fragment(&a, 1000, 1208);
	inject(later_queue, &afirst);
	if (!collect(&out, PATIENCE_S))
		return ok;
	ok += get16(out.b + 14 + 22) == sport;
	inject(first_queue, &alater);
	if (!collect(&out, PATIENCE_S))
		return ok;
	ok += memcmp(out.b + 14 + 16, "\xc6\x12\x00\x64", 4) == 0;   /* to the client */
	return ok;
}

int main(int argc, char **argv)
{
	(void)argc;
	live_init(argv[0], "0@0,1@1,2@1");   /* two workers; two cores is all CI has */
	static_neighbor(BACKEND, 11);
	static_neighbor("198.18.0.100", 100);
	commit_both();
	if (gfwd_start() != 2)
		die("start with two workers");

	int a = round_trip(80, 0, 1, 10000);
	int b = round_trip(80, 1, 0, 20000);
	int c = round_trip(81, 0, 1, 30000);
	int d = round_trip(81, 1, 0, 40000);
	int e = fragments_on_both_queues(0, 1, 50000);
	int g = fragments_on_both_queues(1, 0, 50001);
	printf("handoff: full NAT %d+%d, NAT %d+%d of %d each; %lu handed off\n", a, b, c, d, FLOWS,
	       (unsigned long)counter("handoffs"));
	CHECK(a == FLOWS && b == FLOWS, "full-NAT replies on the other queue reach the flow (%d, %d)", a, b);
	CHECK(c == FLOWS && d == FLOWS, "NAT replies on the other queue reach the flow (%d, %d)", c, d);
	CHECK(e == 4 && g == 4, "later fragments on the other queue follow their first, both ways (%d, %d of 4)", e, g);
	CHECK(counter("handoffs") >= 2 * FLOWS, "replies were handed to the flow's worker (%lu)",
	      (unsigned long)counter("handoffs"));
	CHECK(drops_total() == 0, "nothing dropped (%lu)", (unsigned long)drops_total());
	gfwd_shutdown();
	printf("test_handoff: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
