/* SPDX-License-Identifier: Apache-2.0
 * An IPv4 flow's packets rewritten with the checksum deltas stored when it was made
 * (flow_prepare, nat_rewrite_v4) against nat_rewrite(), which sums the changes over the
 * packet's own words: the same bytes on the wire, both directions, full NAT and NAT, TCP and
 * UDP, for random addresses, ports, TTLs, payloads and checksum fields (0 and 0xffff, a UDP
 * datagram without checksum, an IP checksum the NIC vouched for whatever its value), from a
 * fixed seed. */
#include <arpa/inet.h>
#include "harness.h"
#include "nat.h"
#include "parse_common.h"
#include "random.h"

static uint64_t rng = 0x13198a2e03707344ULL;

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(xorshift64(&rng) % n);
}

/* An address or port at random, never 0 (no flow has one), now and then all ones. */
static uint32_t rnd_addr(void)
{
	return rnd(8) == 0 ? 0xffffffffu : 1 + rnd(0xfffffffeu);
}

static uint16_t rnd_port(void)
{
	return rnd(8) == 0 ? 0xffff : (uint16_t)(1 + rnd(0xfffe));
}

static const char *ip4(uint32_t be, char *buf)
{
	return inet_ntop(AF_INET, &be, buf, INET_ADDRSTRLEN);
}

/* A frame carrying key k (ports in network order), its checksum fields now and then set to
 * 0 or 0xffff, with the NIC vouching for the IP header then (or it would not be common). */
static struct frame frame_of(const struct flow_key *k, uint64_t *ol_flags)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, (const uint8_t[6]){ 2, 0, 0, 0, 0, 0x64 });
	frame_ipv4_ttl(&f, ip4(k->src.v4, src), ip4(k->dst.v4, dst), k->proto, (uint8_t)(2 + rnd(254)));
	if (k->proto == IPPROTO_TCP)
		frame_tcp(&f, rte_be_to_cpu_16(k->sport), rte_be_to_cpu_16(k->dport), TCP_ACK);
	else
		frame_udp(&f, rte_be_to_cpu_16(k->sport), rte_be_to_cpu_16(k->dport));
	char payload[40];
	int n = (int)rnd(sizeof(payload));
	for (int i = 0; i < n; i++)
		payload[i] = (char)('a' + rnd(26));
	payload[n] = 0;
	frame_payload(&f, payload);
	f.keep_udp_csum_zero = k->proto == IPPROTO_UDP && rnd(8) == 0;
	frame_done(&f);
	*ol_flags = RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
	uint8_t *l4_csum = f.b + 34 + (k->proto == IPPROTO_TCP ? 16 : 6);
	switch (rnd(8)) {
	case 0: memset(l4_csum, 0xff, 2); break;
	case 1: if (k->proto == IPPROTO_TCP) memset(l4_csum, 0, 2); break;
	case 2: memset(f.b + 24, rnd(2) ? 0xff : 0, 2); *ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD; break;
	case 3: if (!f.keep_udp_csum_zero) set16(l4_csum, (uint16_t)rnd(0x10000)); break;
	default: break;
	}
	return f;
}

/* Parses f into p (in m) as the pipeline's first pass does; 0 when it is not common. */
static int take(struct rte_mbuf *m, const struct frame *f, uint64_t ol_flags, struct pkt *p)
{
	rte_pktmbuf_reset(m);
	memcpy(rte_pktmbuf_append(m, f->len), f->b, f->len);
	m->ol_flags = ol_flags;
	memset(p, 0, sizeof(*p));
	p->m = m;
	p->data = rte_pktmbuf_mtod(m, uint8_t *);
	p->len = f->len;
	uint32_t hash;
	return parse_common(p, (const struct rte_ether_addr *)PORT_MAC, &hash);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	static struct addr vips[4];
	static struct addr snat[2][MAX_PORTS];
	struct flow_table *ft = flow_table_create(64, 0, vips, snat);
	struct rte_mbuf *ma = rte_pktmbuf_alloc(dp.pool), *mb = rte_pktmbuf_alloc(dp.pool);
	CHECK(ft != NULL && ma != NULL && mb != NULL, "a table and two mbufs");
	int tries = 200000, taken = 0, differ = 0, out_of_range = 0;
	for (int i = 0; i < tries && ft != NULL; i++) {
		bool full_nat = rnd(2);
		uint16_t vip_id = (uint16_t)rnd(4);
		uint8_t snat_id = (uint8_t)rnd(MAX_PORTS);
		vips[vip_id] = addr_v4(rnd_addr());
		snat[0][snat_id] = addr_v4(rnd_addr());
		struct addr backend = addr_v4(rnd_addr());
		struct flow t = { .client_addr = addr_v4(rnd_addr()), .client_port = rnd_port(), .vport = rnd_port(),
				  .backend_port = rnd_port(), .snat_port = full_nat ? rnd_port() : 0, .vip_id = vip_id,
				  .backend_id = (uint16_t)flow_addr_take(ft, &backend, GFWD_AF_INET), .snat_id = snat_id,
				  .proto = rnd(2) ? IPPROTO_TCP : IPPROTO_UDP, .family = GFWD_AF_INET,
				  .mode = full_nat ? GFWD_MODE_FULLNAT : GFWD_MODE_NAT };
		struct flow_key kf, kr;
		flow_key_of(ft, &t, DIR_FORWARD, &kf);
		flow_key_of(ft, &t, DIR_REVERSE, &kr);
		flow_prepare(&t, &kf, &kr, 0);
		flow_addr_put(ft, t.backend_id);
		out_of_range += t.v4.ip_fwd == 0 || t.v4.l4_fwd == 0 || t.v4.ip_rev == 0 || t.v4.l4_rev == 0;
		for (int dir = DIR_FORWARD; dir <= DIR_REVERSE; dir++) {
			const struct flow_key *k = dir == DIR_FORWARD ? &kf : &kr, *to = dir == DIR_FORWARD ? &kr : &kf;
			uint64_t ol;
			struct frame f = frame_of(k, &ol);
			struct pkt a, b;
			if (!take(ma, &f, ol, &a) || !take(mb, &f, ol, &b))
				continue;
			taken++;
			/* The packet leaves carrying the other direction's reply tuple. */
			nat_rewrite(&a, &to->dst, to->dport, &to->src, to->sport);
			if (dir == DIR_FORWARD)
				nat_rewrite_v4(&b, to->dst.v4, to->src.v4, to->dport, to->sport, t.v4.ip_fwd, t.v4.l4_fwd);
			else
				nat_rewrite_v4(&b, to->dst.v4, to->src.v4, to->dport, to->sport, t.v4.ip_rev, t.v4.l4_rev);
			if (memcmp(a.data, b.data, f.len) != 0 && differ++ < 5)
				fprintf(stderr, "%s %s %s: the two rewrites differ\n", full_nat ? "full NAT" : "NAT",
					dir == DIR_FORWARD ? "forward" : "reverse", k->proto == IPPROTO_TCP ? "TCP" : "UDP");
		}
	}
	CHECK(out_of_range == 0, "every stored delta in 1..0xffff (%d not)",
	      out_of_range);
	CHECK(differ == 0, "the stored deltas rewrite every packet as the sums over its words do (%d differ)", differ);
	CHECK(taken > tries, "most packets compared (%d of %d)", taken, 2 * tries);
	rte_pktmbuf_free(ma);
	rte_pktmbuf_free(mb);
	flow_table_free(ft);
	return report("test_rewrite");
}
