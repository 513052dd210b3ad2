/* SPDX-License-Identifier: Apache-2.0
 * Scheduling policies for new connections, observed through the pipeline: round robin,
 * weighted round robin, least connections, source hash, and session affinity (kept for a
 * client, given up after its timeout or when its backend leaves). */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
#define VIP "198.18.0.220"

enum { RR_PORT = 1, WRR_PORT = 2, LC_PORT = 3, SH_PORT = 4, AFF_PORT = 5, MAGLEV_PORT = 6 };
#define N_POLICIES 6

static uint64_t commit_seq;
static int lc_equal_weights;   /* least connections' weights: 1:3, or 1:1 once set */

static void commit_policies(int with_12)
{
	const char *ips[] = { "198.18.0.11", "198.18.0.12", "198.18.0.13" };
	uint32_t weights_wrr[] = { 1, 2, 1 }, weights_lc[] = { 1, lc_equal_weights ? 1 : 3 };
	struct gfwd_backend b[32];
	struct gfwd_service s[N_POLICIES];
	uint32_t n = 0;
	struct { uint16_t port; uint8_t sched; uint32_t affinity; int count; uint32_t *weights; } defs[] = {
		{ RR_PORT, GFWD_SCHED_ROUND_ROBIN, 0, 3, NULL },
		{ WRR_PORT, GFWD_SCHED_WEIGHTED_ROUND_ROBIN, 0, 3, weights_wrr },
		{ LC_PORT, GFWD_SCHED_LEAST_CONNECTIONS, 0, 2, weights_lc },
		{ SH_PORT, GFWD_SCHED_SOURCE_HASH, 0, 3, NULL },
		{ AFF_PORT, GFWD_SCHED_ROUND_ROBIN, 60, 3, NULL },
		{ MAGLEV_PORT, GFWD_SCHED_MAGLEV, 0, 3, NULL },
	};
	for (int i = 0; i < N_POLICIES; i++) {
		s[i] = (struct gfwd_service){ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = defs[i].port,
					      .mode = GFWD_MODE_FULLNAT, .sched = defs[i].sched,
					      .maglev_size = defs[i].sched == GFWD_SCHED_MAGLEV ? 65537 : 251,
					      .first_backend = n, .affinity_timeout_s = defs[i].affinity };
		inet_pton(AF_INET, VIP, s[i].vip);
		for (int j = 0; j < defs[i].count; j++) {
			if (defs[i].port == AFF_PORT && j == 1 && !with_12)
				continue;
			b[n] = (struct gfwd_backend){ .family = GFWD_AF_INET, .port = 8080,
						      .weight = defs[i].weights ? defs[i].weights[j] : 1 };
			inet_pton(AF_INET, ips[j], b[n].addr);
			n++;
		}
		s[i].n_backends = n - s[i].first_backend;
	}
	if (gfwd_commit(++commit_seq, s, N_POLICIES, b, n, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

static void learn_backends(void)
{
	for (uint8_t i = 11; i <= 13; i++) {
		uint8_t mac[6] = { 2, 0, 0, 0, 0, i };
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%u", i);
		struct frame f = frame_new();
		frame_eth_type(&f, PORT_MAC, mac, 0x0806);
		frame_arp(&f, 2, mac, ip, PORT_MAC, PORT_IP);
		push(&f);
	}
}

/* Opens a connection from client:sport to the VIP's port; returns the backend's last octet. */
static int connect_from(const char *client, uint16_t sport, uint16_t vport)
{
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, client, VIP, IPPROTO_TCP);
	frame_tcp(&f, sport, vport, TCP_SYN);
	frame_done(&f);
	struct outcome o = push(&f);
	CHECK(o.leaked == 0, "no leak");
	return o.port == 0 ? o.out.b[14 + 19] : -1;
}

static void round_robin(void)
{
	int got[6];
	for (int i = 0; i < 6; i++)
		got[i] = connect_from("198.18.0.100", (uint16_t)(1000 + i), RR_PORT);
	CHECK(got[0] == 11 && got[1] == 12 && got[2] == 13 && got[3] == 11 && got[4] == 12 && got[5] == 13,
	      "round robin takes the backends in turn (%d %d %d %d %d %d)", got[0], got[1], got[2], got[3], got[4], got[5]);
}

static void weighted_round_robin(void)
{
	int count[256] = { 0 }, run = 0, longest = 0, last = -1;
	for (int i = 0; i < 40; i++) {
		int b = connect_from("198.18.0.100", (uint16_t)(2000 + i), WRR_PORT);
		count[b & 0xff]++;
		run = b == last ? run + 1 : 1;
		longest = run > longest ? run : longest;
		last = b;
	}
	CHECK(count[11] == 10 && count[12] == 20 && count[13] == 10, "weights 1:2:1 give 10/20/10 (%d/%d/%d)",
	      count[11], count[12], count[13]);
	CHECK(longest <= 2, "turns are interleaved: no backend more than its weight in a row (%d)", longest);
}

static void least_connections(void)
{
	int count[256] = { 0 };
	for (int i = 0; i < 8; i++)
		count[connect_from("198.18.0.100", (uint16_t)(3000 + i), LC_PORT) & 0xff]++;
	CHECK(count[11] == 2 && count[12] == 6, "least connections per weight 1:3 gives 2/6 (%d/%d)", count[11], count[12]);

	/* A commit keeps the open connections counted: with the weights now equal, .11 (2 open)
	 * takes every new connection until it has as many as .12 (6 open). */
	lc_equal_weights = 1;
	commit_policies(1);
	int after[256] = { 0 };
	for (int i = 0; i < 4; i++)
		after[connect_from("198.18.0.100", (uint16_t)(3100 + i), LC_PORT) & 0xff]++;
	CHECK(after[11] == 4 && after[12] == 0,
	      "after a commit least connections still counts the open ones: 4/0 (%d/%d)", after[11], after[12]);
}

static void source_hash(void)
{
	int first = connect_from("198.18.0.101", 4000, SH_PORT), same = 0, spread[256] = { 0 };
	for (int i = 1; i < 10; i++)
		same += connect_from("198.18.0.101", (uint16_t)(4000 + i), SH_PORT) == first;
	CHECK(same == 9, "one client, every port: one backend (%d of 9)", same);
	for (int c = 0; c < 60; c++) {
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.1.%d", c);
		spread[connect_from(ip, 4100, SH_PORT) & 0xff]++;
	}
	CHECK(spread[11] > 0 && spread[12] > 0 && spread[13] > 0, "clients spread over every backend (%d/%d/%d)",
	      spread[11], spread[12], spread[13]);
}

/* One client's connections, on the ports Linux gives them (p, p+2, p+4, ...), differ in a few
 * bits of the flow key: Maglev must still split them evenly (a client behind a NAT gateway is
 * many users). 300 of them land 100 +- 8 on each of three backends; 70 is 3.6 deviations off. */
static void maglev_spreads_one_clients_ports(void)
{
	int count[256] = { 0 };
	for (int i = 0; i < 300; i++)
		count[connect_from("198.18.0.104", (uint16_t)(33000 + 2 * i), MAGLEV_PORT) & 0xff]++;
	CHECK(count[11] >= 70 && count[12] >= 70 && count[13] >= 70,
	      "300 connections on every other port split near 100/100/100 (%d/%d/%d)", count[11], count[12], count[13]);
}

static void session_affinity(void)
{
	int first = connect_from("198.18.0.102", 5000, AFF_PORT), same = 0;
	for (int i = 1; i < 6; i++)
		same += connect_from("198.18.0.102", (uint16_t)(5000 + i), AFF_PORT) == first;
	CHECK(same == 5, "round robin with affinity keeps a client on one backend (%d of 5)", same);
	int other = connect_from("198.18.0.103", 5100, AFF_PORT);
	CHECK(other != first, "another client takes the next turn (%d, %d)", other, first);

	clock_skew = 61;   /* past the 60 s affinity */
	int after = connect_from("198.18.0.102", 5200, AFF_PORT);
	CHECK(after != first, "after the timeout the client is scheduled afresh (%d, %d)", after, first);

	int pinned = connect_from("198.18.0.104", 5300, AFF_PORT);
	if (pinned == 12) {
		commit_policies(0);   /* .12 leaves */
		int moved = connect_from("198.18.0.104", 5301, AFF_PORT);
		CHECK(moved == 11 || moved == 13, "a client whose backend left gets another (%d)", moved);
	} else {
		/* Make .12 its backend first, then remove it. */
		int k = 0;
		while (pinned != 12 && k++ < 10) {
			clock_skew += 61;
			pinned = connect_from("198.18.0.104", (uint16_t)(5310 + k), AFF_PORT);
		}
		CHECK(pinned == 12, "round robin reaches .12 (%d)", pinned);
		commit_policies(0);
		int moved = connect_from("198.18.0.104", 5399, AFF_PORT);
		CHECK(moved == 11 || moved == 13, "a client whose backend left gets another (%d)", moved);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	commit_policies(1);
	learn_backends();
	round_robin();
	weighted_round_robin();
	least_connections();
	source_hash();
	session_affinity();
	maglev_spreads_one_clients_ports();
	return report("test_sched");
}
