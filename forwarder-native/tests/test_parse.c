/* SPDX-License-Identifier: Apache-2.0
 * parse_common() (the common frame in one go) against parse.h's steps: whatever frame it
 * takes, the steps take too and fill every field the same, and its hash is the key's
 * flow_key_hash(). Frames are the common TCP and UDP ones changed at random, a field or a
 * byte or the length at a time, from a fixed seed: every way a frame can leave the common
 * shape (tags, options, fragments, lengths, checksums, protocols, MACs) comes up many times.
 * The untouched frames must be taken, or the pipeline would never use it. */
#include "harness.h"
#include "parse_common.h"
#include "random.h"

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(xorshift64(&rng) % n);
}

static struct frame common_frame(uint8_t proto)
{
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x64 });
	frame_ipv4(&f, "198.18.0.100", "198.18.0.200", proto);
	if (proto == IPPROTO_TCP)
		frame_tcp(&f, 40000, 80, TCP_ACK | TCP_PSH);
	else
		frame_udp(&f, 40000, 53);
	frame_payload(&f, "some payload");
	frame_done(&f);
	return f;
}

/* One random change: a header field to a value near its edges, any byte, or the length. */
static void mutate(struct frame *f, uint64_t *ol_flags)
{
	uint8_t *b = f->b;
	switch (rnd(12)) {
	case 0: b[rnd(6)] ^= (uint8_t)(1 + rnd(255)); break;                  /* destination MAC */
	case 1: b[12 + rnd(2)] = (uint8_t)rnd(256); break;                    /* EtherType */
	case 2: b[14] = (uint8_t)(rnd(16) << 4 | rnd(16)); break;             /* version, header length */
	case 3: set16(b + 16, (uint16_t)(f->len - 14 + (int)rnd(9) - 4 - (int)rnd(2) * (f->len - 14))); break;  /* total length */
	case 4: b[20 + rnd(2)] = (uint8_t)(rnd(2) ? 0x20 : rnd(256)); break; /* flags, fragment offset */
	case 5: b[22] = (uint8_t)rnd(3); break;                              /* TTL */
	case 6: b[23] = (uint8_t)(rnd(2) ? rnd(256) : rnd(2) ? IPPROTO_TCP : IPPROTO_UDP); break;   /* protocol */
	case 7: b[24 + rnd(2)] ^= (uint8_t)(1 + rnd(255)); break;             /* header checksum */
	case 8: b[34 + 12] = (uint8_t)(rnd(16) << 4); break;                  /* TCP data offset */
	case 9: set16(b + 34 + 4, (uint16_t)rnd(64)); break;                  /* UDP length */
	case 10: f->len = (uint16_t)rnd(f->len + 1); break;                    /* truncated */
	default: b[rnd(f->len > 0 ? f->len : 1)] = (uint8_t)rnd(256); break;  /* anything */
	}
	uint64_t flags[] = { RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_BAD,
			     RTE_MBUF_F_RX_IP_CKSUM_NONE };
	if (rnd(4) == 0)
		*ol_flags = flags[rnd(4)];
}

/* parse()'s steps for a frame to the port's MAC (pipeline.c): L2, then IPv4, then L4. */
static enum gfwd_drop parse_steps(struct pkt *p)
{
	enum gfwd_drop r = parse_l2(p);
	if (r != PARSE_OK)
		return r;
	if (p->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return DROP_BAD_ETHERTYPE;   /* not what parse_common takes: any reason will do */
	r = parse_ipv4(p);
	return r == PARSE_OK ? parse_l4(p) : r;
}

static int same_fields(const struct pkt *a, const struct pkt *b)
{
	return a->eth == b->eth && a->ether_type == b->ether_type && a->l3_off == b->l3_off &&
	       a->l4_off == b->l4_off && a->l4_len == b->l4_len && a->frag == b->frag && a->frag_hdr == b->frag_hdr &&
	       memcmp(&a->key, &b->key, sizeof(a->key)) == 0 &&
	       (a->key.proto != IPPROTO_TCP || a->tcp_flags == b->tcp_flags);
}

/* Parses f both ways; 1 when parse_common took it. */
static int compare(struct rte_mbuf *m, const struct frame *f, uint64_t ol_flags, int *wrong)
{
	rte_pktmbuf_reset(m);
	memcpy(rte_pktmbuf_append(m, f->len > 0 ? f->len : 1), f->b, f->len > 0 ? f->len : 1);
	m->data_len = m->pkt_len = f->len;
	m->ol_flags = ol_flags;
	struct pkt fast, steps;
	memset(&fast, 0xa5, sizeof(fast));   /* anything it leaves unwritten shows */
	memset(&steps, 0, sizeof(steps));
	fast.m = steps.m = m;
	fast.data = steps.data = rte_pktmbuf_mtod(m, uint8_t *);
	fast.len = steps.len = f->len;
	uint32_t hash;
	if (!parse_common(&fast, (const struct rte_ether_addr *)PORT_MAC, &hash))
		return 0;
	enum gfwd_drop r = parse_steps(&steps);
	int ok = r == PARSE_OK && same_fields(&fast, &steps) && fast.common && hash == flow_key_hash(&steps.key);
	if (!ok && (*wrong)++ < 5)
		fprintf(stderr, "taken by parse_common, not so by the steps (%d) or with other fields (%d bytes)\n", r,
			f->len);
	return 1;
}

/* The two folds the common path does by division, against folding carries back in. */
static void folds_by_division(void)
{
	int wrong = 0;
	for (int i = 0; i < 1000000; i++) {
		uint64_t v = i < 64 ? (uint64_t)0xffff * (uint64_t)(i / 2) + (uint64_t)(i & 1) : ((uint64_t)rnd(1u << 30) << 34 | (uint64_t)rnd(1u << 30) << 4 | rnd(16)) >> rnd(64);
		uint64_t f = v;
		while (f >> 16)
			f = (f & 0xffff) + (f >> 16);
		wrong += csum_fold64(v) != (uint16_t)f;
		uint8_t h[20];
		for (int b = 0; b < 20; b++)
			h[b] = (uint8_t)(i < 64 ? (b == 0 ? (uint32_t)i : 0u) : rnd(256));
		if (i % 3 == 0 && i >= 64) {   /* a valid header: its checksum field set right */
			h[10] = h[11] = 0;
			uint16_t c = rte_ipv4_cksum((const struct rte_ipv4_hdr *)h);
			memcpy(h + 10, &c, 2);
		}
		wrong += ipv4_header20_ok(h) != ipv4_header_ok(h, 20);
	}
	CHECK(wrong == 0, "folding by division agrees with folding carries (%d differ)", wrong);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	int wrong = 0;
	for (int proto = 0; proto < 2; proto++) {
		struct frame base = common_frame(proto ? IPPROTO_UDP : IPPROTO_TCP);
		CHECK(compare(m, &base, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, &wrong) &&
		      compare(m, &base, RTE_MBUF_F_RX_IP_CKSUM_GOOD, &wrong),
		      "the common %s frame is taken", proto ? "UDP" : "TCP");
		struct frame bad = base;
		bad.b[24] ^= 1;
		CHECK(!compare(m, &bad, RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, &wrong) &&
		      !compare(m, &bad, RTE_MBUF_F_RX_IP_CKSUM_BAD, &wrong) && compare(m, &bad, RTE_MBUF_F_RX_IP_CKSUM_GOOD, &wrong),
		      "a wrong header checksum: left to the steps unless the NIC vouched for the header");
		int taken = 0, tries = 100000;
		for (int i = 0; i < tries; i++) {
			struct frame f = base;
			uint64_t ol = RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
			for (uint32_t c = 1 + rnd(3); c > 0; c--)
				mutate(&f, &ol);
			taken += compare(m, &f, ol, &wrong);
		}
		CHECK(wrong == 0, "every frame parse_common took, the steps took alike (%d not)", wrong);
		CHECK(taken > tries / 20 && taken < tries, "some changed frames are still common, most are not (%d of %d)",
		      taken, tries);
	}
	rte_pktmbuf_free(m);
	folds_by_division();
	return report("test_parse");
}
