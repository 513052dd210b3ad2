/* SPDX-License-Identifier: Apache-2.0
 * The data plane's share of the fleet, table-driven through the real pipeline: the fleet's
 * advertisements handed to the agent (and what is not one). */
#include <errno.h>
#include "harness.h"

static const uint8_t PEER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x42 };
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
	uint64_t punted = test_worker->cnt.event[EV_PUNTED];
	run_table(punt_cases, RTE_DIM(punt_cases));
	CHECK(test_worker->cnt.event[EV_PUNTED] - punted == 4, "four frames counted as punted");
	punt_ring_full();
	punt_read_errors();
	return report("test_fleet");
}
