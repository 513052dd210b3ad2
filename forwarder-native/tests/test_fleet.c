/* SPDX-License-Identifier: Apache-2.0
 * The data plane's share of the fleet, table-driven through the real pipeline: the fleet's
 * advertisements handed to the agent (and what is not one); answering only for what this
 * forwarder owns while forwarding for every VIP. */
#include <errno.h>
#include "harness.h"

static const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x42 };
static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
static const uint8_t B11_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t SOLICITED_VIP6[6] = { 0x33, 0x33, 0xff, 0x00, 0x02, 0x00 };
#define CLIENT "198.18.0.100"
#define CLIENT6 "2001:2::100"
#define VIP "198.18.0.200"
#define VIP6 "2001:2::200"
#define B11 "198.18.0.11"
#define B11_6 "2001:2::11"
#define RETURN_GW "198.18.0.250"     /* owned like a VIP: NAT backends' gateway */
#define VIP_B "198.18.0.201"         /* owned, no service */
#define NOT_OWNED "198.18.0.203"
static const uint8_t FOREIGN_MAC[6] = { 0x02, 0, 0, 0, 0, 0xee };

/* ---------------------------------------------------------------- configuration */

static uint64_t generation;

static struct gfwd_service nat_service(uint8_t family, const char *vip, uint16_t port, uint32_t first, uint32_t n)
{
	struct gfwd_service s = { .family = family, .proto = IPPROTO_TCP, .port = port, .mode = GFWD_MODE_NAT,
				  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .first_backend = first, .n_backends = n };
	inet_pton(family == GFWD_AF_INET ? AF_INET : AF_INET6, vip, s.vip);
	return s;
}

static struct gfwd_backend backend(uint8_t family, const char *ip, uint16_t port)
{
	struct gfwd_backend b = { .family = family, .port = port, .weight = 1 };
	inet_pton(family == GFWD_AF_INET ? AF_INET : AF_INET6, ip, b.addr);
	return b;
}

static void neighbour(uint8_t family, const char *ip, const uint8_t mac[6])
{
	uint8_t a[16] = { 0 };
	inet_pton(family == GFWD_AF_INET ? AF_INET : AF_INET6, ip, a);
	if (gfwd_neighbor_set(family, a, mac) != 0) {
		fprintf(stderr, "neighbour %s: %s\n", ip, gfwd_last_error());
		exit(1);
	}
}

static void configure(void)
{
	struct gfwd_backend b[] = {
		backend(GFWD_AF_INET, B11, 8080),
		backend(GFWD_AF_INET6, B11_6, 8080),
	};
	struct gfwd_service s[] = {
		nat_service(GFWD_AF_INET, VIP, 80, 0, 1),
		nat_service(GFWD_AF_INET6, VIP6, 80, 1, 1),
	};
	if (gfwd_commit(++generation, s, RTE_DIM(s), b, RTE_DIM(b), NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
	neighbour(GFWD_AF_INET, B11, B11_MAC);
	neighbour(GFWD_AF_INET6, B11_6, B11_MAC);
	neighbour(GFWD_AF_INET, CLIENT, CLIENT_MAC);
	neighbour(GFWD_AF_INET6, CLIENT6, CLIENT_MAC);
}

static struct gfwd_vip owned(uint8_t family, const char *ip)
{
	struct gfwd_vip v = { .family = family };
	inet_pton(family == GFWD_AF_INET ? AF_INET : AF_INET6, ip, v.addr);
	return v;
}

static void own(const struct gfwd_vip *vips, uint32_t n)
{
	if (gfwd_owned_set(vips, n) != 0) {
		fprintf(stderr, "owned_set: %s\n", gfwd_last_error());
		exit(1);
	}
}
static const uint8_t FLEET_GROUP[6] = GFWD_FLEET_MAC;
static const uint8_t OTHER_GROUP[6] = { 0x03, 0x00, 0x47, 0x54, 0x4e, 0x01 };

/* An advertisement as a peer sends it; the data plane does not look past the EtherType. */
static void advert_to(struct frame *f, const uint8_t dst[6])
{
	frame_eth_type(f, dst, PEER_MAC, GFWD_FLEET_ETHERTYPE);
	frame_payload(f, "GTUN\x01\x00\x00\x64 forty-odd bytes a peer signed");
}
static void advert(struct frame *f) { advert_to(f, FLEET_GROUP); }
static void advert_unicast(struct frame *f) { advert_to(f, PORT_MAC); }
static void advert_other_group(struct frame *f) { advert_to(f, OTHER_GROUP); }
static void advert_tagged(struct frame *f)
{
	frame_eth(f, FLEET_GROUP, PEER_MAC);
	frame_vlan(f, 7, GFWD_FLEET_ETHERTYPE);
	frame_payload(f, "GTUN tagged");
}
static void fleet_type_truncated(struct frame *f)
{
	frame_eth_type(f, FLEET_GROUP, PEER_MAC, GFWD_FLEET_ETHERTYPE);   /* no payload at all */
}

static const struct packet_case punt_cases[] = {
	{ "advertisement to the fleet's group: to the agent, as received", advert, CONSUMED,
	  .punted = advert, .punt_kind = GFWD_PUNT_FLEET },
	{ "advertisement to this port's MAC: to the agent", advert_unicast, CONSUMED,
	  .punted = advert_unicast, .punt_kind = GFWD_PUNT_FLEET },
	{ "advertisement behind an 802.1Q tag: to the agent, tag and all", advert_tagged, CONSUMED,
	  .punted = advert_tagged, .punt_kind = GFWD_PUNT_FLEET },
	{ "header only: the agent judges the payload", fleet_type_truncated, CONSUMED,
	  .punted = fleet_type_truncated, .punt_kind = GFWD_PUNT_FLEET },
	{ "the EtherType to another group: not ours", advert_other_group, DROPPED, .reason = DROP_NOT_FOR_US },
};

/* ---------------------------------------------------------------- ownership */

static void arp_for(struct frame *f, const char *ip)
{
	frame_eth_type(f, BCAST_MAC, CLIENT_MAC, 0x0806);
	frame_arp(f, 1, CLIENT_MAC, CLIENT, ZERO_MAC, ip);
}
static void arp_answer(struct frame *f, const char *ip)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x0806);
	frame_arp(f, 2, PORT_MAC, ip, CLIENT_MAC, CLIENT);
}
static void arp_for_vip(struct frame *f) { arp_for(f, VIP); }
static void arp_answer_vip(struct frame *f) { arp_answer(f, VIP); }
static void arp_for_port(struct frame *f) { arp_for(f, PORT_IP); }
static void arp_answer_port(struct frame *f) { arp_answer(f, PORT_IP); }
static void arp_for_gateway(struct frame *f) { arp_for(f, RETURN_GW); }
static void arp_answer_gateway(struct frame *f) { arp_answer(f, RETURN_GW); }
static void ns_for_vip6(struct frame *f)
{
	frame_eth_type(f, SOLICITED_VIP6, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, "ff02::1:ff00:200", IPPROTO_ICMPV6, 255);
	frame_nd(f, 135, 0, VIP6, 1, CLIENT_MAC);
	frame_done(f);
}
static void na_for_vip6(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, CLIENT6, IPPROTO_ICMPV6, 255);
	frame_nd(f, 136, 0x60, VIP6, 2, PORT_MAC);
	frame_done(f);
}
static void ping_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_ICMP);
	frame_icmp_echo(f, 8, 7, 1);
	frame_done(f);
}
static void pong_vip(struct frame *f)
{
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4(f, VIP, CLIENT, IPPROTO_ICMP);
	frame_icmp_echo(f, 0, 7, 1);
	frame_done(f);
}
static void syn_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void syn_to_b11(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, CLIENT, B11, IPPROTO_TCP, 63);
	frame_tcp(f, 40000, 8080, TCP_SYN);
	frame_done(f);
}
static void syn_to_vip6(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void syn_to_b11_6(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, B11_6, IPPROTO_TCP, 63);
	frame_tcp(f, 40000, 8080, TCP_SYN);
	frame_done(f);
}

/* Before gfwd_owned_set(): every VIP of the configuration, as a lone forwarder. */
static const struct packet_case lone_cases[] = {
	{ "no owned set yet: ARP for a VIP answered", arp_for_vip, SENT, arp_answer_vip },
	{ "no owned set yet: NS for an IPv6 VIP answered", ns_for_vip6, SENT, na_for_vip6 },
	{ "no owned set yet: an address that is no VIP is not answered", arp_for_gateway, DROPPED, .reason = DROP_NOT_FOR_US },
};

/* Owning nothing: silent for the VIPs, still forwarding to them, still answering for the port. */
static const struct packet_case owning_none_cases[] = {
	{ "not owned: ARP for the VIP unanswered", arp_for_vip, DROPPED, .reason = DROP_NOT_FOR_US },
	{ "not owned: NS for the IPv6 VIP unanswered", ns_for_vip6, DROPPED, .reason = DROP_NOT_FOR_US },
	{ "not owned: echo to the VIP unanswered", ping_vip, DROPPED, .reason = DROP_NOT_FOR_US },
	{ "not owned: traffic to the VIP forwarded all the same", syn_to_vip, SENT, syn_to_b11 },
	{ "not owned: IPv6 traffic to the VIP forwarded all the same", syn_to_vip6, SENT, syn_to_b11_6 },
	{ "the port's own address is always answered", arp_for_port, SENT, arp_answer_port },
};

static const struct packet_case owning_cases[] = {
	{ "owned: ARP for the VIP answered", arp_for_vip, SENT, arp_answer_vip },
	{ "owned: NS for the IPv6 VIP answered", ns_for_vip6, SENT, na_for_vip6 },
	{ "owned: echo to the VIP answered", ping_vip, SENT, pong_vip },
	{ "owned like a VIP: the return-path gateway answered", arp_for_gateway, SENT, arp_answer_gateway },
	{ "owned: traffic to the VIP forwarded", syn_to_vip, SENT, syn_to_b11 },
};

static void ownership(void)
{
	run_table(lone_cases, RTE_DIM(lone_cases));
	own(NULL, 0);
	run_table(owning_none_cases, RTE_DIM(owning_none_cases));
	struct gfwd_vip mine[] = { owned(GFWD_AF_INET, VIP), owned(GFWD_AF_INET6, VIP6), owned(GFWD_AF_INET, RETURN_GW),
				   owned(GFWD_AF_INET, VIP) };
	own(mine, RTE_DIM(mine));
	CHECK(dp.owned->n == 3, "a duplicate counts once: %u", dp.owned->n);
	run_table(owning_cases, RTE_DIM(owning_cases));
	struct gfwd_vip only_v6[] = { owned(GFWD_AF_INET6, VIP6) };
	own(only_v6, 1);
	struct packet_case lost = { "the set replaced: the VIP left it is no longer answered", arp_for_vip, DROPPED,
				    .reason = DROP_NOT_FOR_US };
	run_table(&lost, 1);
	CHECK(gfwd_owned_all() == 0, "owned_all");
	CHECK(dp.owned == NULL, "owned_all: every VIP of the configuration again");
	run_table(lone_cases, 1);

	struct gfwd_vip bad[] = { owned(GFWD_AF_INET, VIP), { .family = 5 } };
	CHECK(gfwd_owned_set(bad, 2) == -EINVAL, "family 5 refused");
	CHECK(strstr(gfwd_last_error(), "owned address 1: family must be 4 or 6, not 5") != NULL, "named: %s",
	      gfwd_last_error());
	struct gfwd_vip zero[] = { { .family = GFWD_AF_INET6 } };
	CHECK(gfwd_owned_set(zero, 1) == -EINVAL, ":: refused");
	CHECK(strstr(gfwd_last_error(), "owned address 0 is unspecified") != NULL, "named: %s", gfwd_last_error());
	CHECK(gfwd_owned_set(NULL, 1) == -EINVAL, "null with a count refused");
	CHECK(dp.owned == NULL, "a refused set leaves the running one");
}

/* ---------------------------------------------------------------- conflicts */

static void conflict_record(struct frame *f, uint8_t family, const char *ip, const uint8_t mac[6], uint8_t via)
{
	struct gfwd_conflict c = { .family = family, .via = via };
	inet_pton(family == GFWD_AF_INET ? AF_INET : AF_INET6, ip, c.addr);
	memcpy(c.mac, mac, 6);
	frame_bytes(f, &c, sizeof(c));
}

static void foreign_garp_vip(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, FOREIGN_MAC, 0x0806);
	frame_arp(f, 1, FOREIGN_MAC, VIP, ZERO_MAC, VIP);
}
static void defend_vip(struct frame *f)   /* our answer to its request for the VIP */
{
	frame_eth_type(f, FOREIGN_MAC, PORT_MAC, 0x0806);
	frame_arp(f, 2, PORT_MAC, VIP, FOREIGN_MAC, VIP);
}
static void conflict_vip(struct frame *f) { conflict_record(f, GFWD_AF_INET, VIP, FOREIGN_MAC, GFWD_CONFLICT_ARP); }
static void foreign_reply_gateway(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, FOREIGN_MAC, 0x0806);
	frame_arp(f, 2, FOREIGN_MAC, RETURN_GW, PORT_MAC, PORT_IP);
}
static void conflict_gateway(struct frame *f)
{
	conflict_record(f, GFWD_AF_INET, RETURN_GW, FOREIGN_MAC, GFWD_CONFLICT_ARP);
}
static void peer_asks_from_vip_b(struct frame *f)   /* a peer that also believes it owns VIP_B */
{
	frame_eth_type(f, BCAST_MAC, PEER_MAC, 0x0806);
	frame_arp(f, 1, PEER_MAC, VIP_B, ZERO_MAC, CLIENT);
}
static void conflict_vip_b(struct frame *f) { conflict_record(f, GFWD_AF_INET, VIP_B, PEER_MAC, GFWD_CONFLICT_ARP); }
static void own_reply_looped(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, PORT_MAC, 0x0806);
	frame_arp(f, 2, PORT_MAC, VIP, ZERO_MAC, VIP);
}
static void foreign_garp_not_owned(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, FOREIGN_MAC, 0x0806);
	frame_arp(f, 1, FOREIGN_MAC, NOT_OWNED, ZERO_MAC, NOT_OWNED);
}
static void foreign_na_vip6(struct frame *f)
{
	frame_eth_type(f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 1 }, FOREIGN_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, "ff02::1", IPPROTO_ICMPV6, 255);
	frame_nd(f, 136, 0x20, VIP6, 2, FOREIGN_MAC);
	frame_done(f);
}
static void conflict_vip6(struct frame *f) { conflict_record(f, GFWD_AF_INET6, VIP6, FOREIGN_MAC, GFWD_CONFLICT_NDP); }

static const struct packet_case conflict_cases[] = {
	{ "a foreign device's gratuitous ARP for an owned VIP: defended and reported", foreign_garp_vip, SENT, defend_vip,
	  .punted = conflict_vip, .punt_kind = GFWD_PUNT_CONFLICT },
	{ "the same within a second: defended, counted, not reported again", foreign_garp_vip, SENT, defend_vip },
	{ "an ARP reply from the owned gateway address", foreign_reply_gateway, CONSUMED,
	  .punted = conflict_gateway, .punt_kind = GFWD_PUNT_CONFLICT },
	{ "a peer's request sent from an owned VIP: reported with the peer's MAC", peer_asks_from_vip_b, DROPPED,
	  .reason = DROP_NOT_FOR_US, .punted = conflict_vip_b, .punt_kind = GFWD_PUNT_CONFLICT },
	{ "an unsolicited NA for the owned IPv6 VIP", foreign_na_vip6, CONSUMED,
	  .punted = conflict_vip6, .punt_kind = GFWD_PUNT_CONFLICT },
	{ "our own port's MAC: no conflict", own_reply_looped, CONSUMED },
	{ "an address not owned: no conflict", foreign_garp_not_owned, DROPPED, .reason = DROP_NOT_FOR_US },
	{ "a client asking for the VIP: no conflict", arp_for_vip, SENT, arp_answer_vip },
};

/* For the rate limit: every report this worker remembers made a second earlier. */
static void a_second_passes(void)
{
	for (int i = 0; i < CONFLICT_SLOTS; i++)
		test_worker->conflicts[i].tsc -= rte_get_tsc_hz() * CONFLICT_REPORT_MS / 1000;
}

static void conflicts(void)
{
	struct gfwd_vip mine[] = { owned(GFWD_AF_INET, VIP), owned(GFWD_AF_INET6, VIP6), owned(GFWD_AF_INET, RETURN_GW),
				   owned(GFWD_AF_INET, VIP_B) };
	own(mine, RTE_DIM(mine));
	uint64_t seen = test_worker->cnt.event[EV_ADDRESS_CONFLICTS];
	run_table(conflict_cases, RTE_DIM(conflict_cases));
	CHECK(test_worker->cnt.event[EV_ADDRESS_CONFLICTS] - seen == 5, "five conflicts counted, got %lu",
	      (unsigned long)(test_worker->cnt.event[EV_ADDRESS_CONFLICTS] - seen));
	/* A second later the VIP's conflict is reported again. */
	a_second_passes();
	run_table(conflict_cases, 1);
	/* Without an owned set, every VIP of the configuration is ours to defend. */
	gfwd_owned_all();
	a_second_passes();
	run_table(conflict_cases, 1);
	CHECK(test_worker->cnt.event[EV_ADDRESS_CONFLICTS] - seen == 7, "and counted");
}

/* ---------------------------------------------------------------- flows seen elsewhere */

#define TCP_URG 0x20
#define TCP_ECE 0x40

/* A TCP packet of a connection this forwarder never saw (established through the VIP's
 * previous owner), for every flag combination: anything but a reset opens a flow through
 * the scheduler, established (its timeout the established one) unless it is a SYN. */
static void midstream_flows(void)
{
	static const struct {
		uint8_t flags;
		int opens;
		uint8_t state;
	} rows[] = {
		{ TCP_ACK, 1, FLOW_TCP_ESTABLISHED },
		{ TCP_ACK | TCP_PSH, 1, FLOW_TCP_ESTABLISHED },
		{ TCP_PSH, 1, FLOW_TCP_ESTABLISHED },
		{ 0, 1, FLOW_TCP_ESTABLISHED },
		{ TCP_ACK | TCP_URG, 1, FLOW_TCP_ESTABLISHED },
		{ TCP_ACK | TCP_ECE, 1, FLOW_TCP_ESTABLISHED },
		{ TCP_FIN | TCP_ACK, 1, FLOW_TCP_CLOSING },
		{ TCP_FIN, 1, FLOW_TCP_CLOSING },
		{ TCP_SYN, 1, FLOW_TCP_SYN },
		{ TCP_SYN | TCP_ACK, 1, FLOW_TCP_SYN },
		{ TCP_RST, 0, 0 },
		{ TCP_RST | TCP_ACK, 0, 0 },
	};
	static const uint32_t timeout[] = { [FLOW_TCP_SYN] = TCP_SYN_TIMEOUT_S,
					    [FLOW_TCP_ESTABLISHED] = TCP_ESTABLISHED_TIMEOUT_S,
					    [FLOW_TCP_CLOSING] = TCP_CLOSING_TIMEOUT_S };
	for (unsigned i = 0; i < RTE_DIM(rows); i++) {
		uint16_t sport = (uint16_t)(41000 + i);
		uint64_t midstream = test_worker->cnt.event[EV_MIDSTREAM_FLOWS];
		struct frame in = frame_new(), want = frame_new();
		frame_eth(&in, PORT_MAC, CLIENT_MAC);
		frame_ipv4(&in, CLIENT, VIP, IPPROTO_TCP);
		frame_tcp(&in, sport, 80, rows[i].flags);
		frame_payload(&in, "mid-stream");
		frame_done(&in);
		frame_eth(&want, B11_MAC, PORT_MAC);
		frame_ipv4_ttl(&want, CLIENT, B11, IPPROTO_TCP, 63);
		frame_tcp(&want, sport, 8080, rows[i].flags);
		frame_payload(&want, "mid-stream");
		frame_done(&want);
		struct outcome o = push(&in);
		CHECK(o.leaked == 0, "flags %#x: leak", rows[i].flags);
		struct flow_key k = { .proto = IPPROTO_TCP, .family = GFWD_AF_INET, .sport = rte_cpu_to_be_16(sport),
				      .dport = rte_cpu_to_be_16(80) };
		inet_pton(AF_INET, CLIENT, k.src.b);
		inet_pton(AF_INET, VIP, k.dst.b);
		enum flow_dir dir;
		struct flow *f = flow_lookup(test_worker->flows, &k, flow_key_hash(&k), test_worker->now, &dir);
		if (!rows[i].opens) {
			CHECK(o.port < 0 && o.drop == DROP_RST_WITHOUT_FLOW, "flags %#x: dropped as rst_without_flow, got port %d drop %d",
			      rows[i].flags, o.port, o.drop);
			CHECK(f == NULL, "flags %#x: no flow", rows[i].flags);
			continue;
		}
		CHECK(o.port == 0 && o.out.len == want.len && memcmp(o.out.b, want.b, want.len) == 0,
		      "flags %#x: forwarded to the backend as it came, got port %d drop %d", rows[i].flags, o.port, o.drop);
		CHECK(f != NULL && f->state == rows[i].state, "flags %#x: flow in state %d, got %d", rows[i].flags,
		      rows[i].state, f ? f->state : -1);
		if (f != NULL)
			CHECK(f->expires - test_worker->now == timeout[rows[i].state], "flags %#x: timeout %u s, got %u",
			      rows[i].flags, timeout[rows[i].state], f->expires - test_worker->now);
		uint64_t counted = test_worker->cnt.event[EV_MIDSTREAM_FLOWS] - midstream;
		CHECK(counted == !(rows[i].flags & TCP_SYN), "flags %#x: midstream_flows counts non-SYN openings", rows[i].flags);
	}
}

/* The agent stops reading: the ring fills, then every further frame is dropped and counted,
 * and nothing leaks. Reading again empties it in order. */
static void punt_ring_full(void)
{
	struct frame in = frame_new();
	advert(&in);
	unsigned before = rte_mempool_avail_count(dp.pool);
	uint64_t full = test_worker->cnt.drop[DROP_PUNT_RING_FULL];
	unsigned capacity = rte_ring_get_capacity(dp.punt);
	for (unsigned i = 0; i < capacity + 5; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
		memcpy(rte_pktmbuf_append(m, in.len), in.b, in.len);
		pipeline_burst(test_worker, dp_config(), 0, &m, 1);
	}
	CHECK(test_worker->cnt.drop[DROP_PUNT_RING_FULL] - full == 5, "5 of %u frames counted as punt_ring_full, got %lu",
	      capacity + 5, (unsigned long)(test_worker->cnt.drop[DROP_PUNT_RING_FULL] - full));
	struct outcome o = { .punted = 0 };
	read_punted(&o);
	CHECK(o.punted == (int)capacity, "the agent reads the %u queued, got %d", capacity, o.punted);
	CHECK(rte_mempool_avail_count(dp.pool) == before, "no mbuf leaked with the ring full");
}

static void punt_read_errors(void)
{
	struct frame in = frame_new();
	advert(&in);
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	memcpy(rte_pktmbuf_append(m, in.len), in.b, in.len);
	pipeline_burst(test_worker, dp_config(), 0, &m, 1);
	uint8_t small[8];
	uint16_t port;
	uint8_t kind;
	CHECK(gfwd_punt_read(small, sizeof(small), &port, &kind) == -EMSGSIZE, "a frame larger than the buffer: -EMSGSIZE");
	CHECK(strstr(gfwd_last_error(), "exceeds the buffer of 8") != NULL, "the error says so: %s", gfwd_last_error());
	CHECK(gfwd_punt_read(small, sizeof(small), &port, &kind) == 0, "and it was consumed");
	CHECK(gfwd_punt_read(small, sizeof(small), NULL, &kind) == -EINVAL, "null port: -EINVAL");
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	configure();
	uint64_t punted = test_worker->cnt.event[EV_PUNTED];
	run_table(punt_cases, RTE_DIM(punt_cases));
	CHECK(test_worker->cnt.event[EV_PUNTED] - punted == 4, "four frames counted as punted");
	punt_ring_full();
	punt_read_errors();
	ownership();
	conflicts();
	midstream_flows();
	return report("test_fleet");
}
