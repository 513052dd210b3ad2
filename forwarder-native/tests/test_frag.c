/* SPDX-License-Identifier: Apache-2.0
 * Fragments of TCP and UDP datagrams, IPv4 and IPv6, through full NAT, NAT and DSR: every
 * fragment of a datagram reaches its flow's backend (or client), and what arrives there
 * reassembles into the datagram that was sent, translated: addresses and ports rewritten,
 * the L4 checksum (carried by the first fragment, covering all of them) right for the new
 * addresses, the payload untouched. Translated datagrams get identifications of their own,
 * so two clients' datagrams with the same one do not mix at the backend. Fragments that
 * cannot be followed are counted: a later one without its first, a tiny first fragment, an
 * overlapping one, fragments of protocols that are not translated. */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
static const uint8_t B11_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0b };
#define CLIENT "198.18.0.100"
#define CLIENT2 "198.18.0.101"
#define VIP "198.18.0.200"
#define B11 "198.18.0.11"
#define CLIENT6 "2001:2::100"
#define VIP6 "2001:2::200"
#define B6 "2001:2::11"
#define SNAT_FIRST 1024   /* one worker: ports are handed out from here, in order */

enum { FULLNAT_UDP = 53, NAT_UDP = 54, DSR_UDP = 5355, FULLNAT_TCP = 80 };

static void commit(void)
{
	struct { const char *vip; uint8_t family, proto, mode; uint16_t port, bport; const char *backend; } d[] = {
		{ VIP, 4, IPPROTO_UDP, GFWD_MODE_FULLNAT, FULLNAT_UDP, 5353, B11 },
		{ VIP, 4, IPPROTO_UDP, GFWD_MODE_NAT, NAT_UDP, 5353, B11 },
		{ VIP, 4, IPPROTO_UDP, GFWD_MODE_DSR, DSR_UDP, DSR_UDP, B11 },
		{ VIP, 4, IPPROTO_TCP, GFWD_MODE_FULLNAT, FULLNAT_TCP, 8080, B11 },
		{ VIP6, 6, IPPROTO_UDP, GFWD_MODE_FULLNAT, FULLNAT_UDP, 5353, B6 },
	};
	struct gfwd_service s[5];
	struct gfwd_backend b[5];
	for (int i = 0; i < 5; i++) {
		int af = d[i].family == 4 ? AF_INET : AF_INET6;
		s[i] = (struct gfwd_service){ .family = d[i].family, .proto = d[i].proto, .port = d[i].port,
					      .mode = d[i].mode, .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251,
					      .first_backend = (uint32_t)i, .n_backends = 1 };
		inet_pton(af, d[i].vip, s[i].vip);
		b[i] = (struct gfwd_backend){ .family = d[i].family, .port = d[i].bport, .weight = 1 };
		inet_pton(af, d[i].backend, b[i].addr);
	}
	uint8_t a4[16] = { 0 }, a6[16];
	inet_pton(AF_INET, B11, a4);
	inet_pton(AF_INET6, B6, a6);
	gfwd_neighbor_set(4, a4, B11_MAC);
	gfwd_neighbor_set(6, a6, B11_MAC);
	if (gfwd_commit(1, s, 5, b, 5, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* ---------------------------------------------------------------- building datagrams */

static uint8_t payload[1600];

/* A whole datagram, checksums computed over all of it, as the sender had it. */
static struct frame datagram(int family, const uint8_t *dst_mac, const uint8_t *src_mac, const char *src,
			     const char *dst, uint8_t proto, uint16_t sport, uint16_t dport, size_t len)
{
	struct frame f = frame_new();
	frame_eth_type(&f, dst_mac, src_mac, family == 4 ? 0x0800 : 0x86dd);
	if (family == 4)
		frame_ipv4(&f, src, dst, proto);
	else
		frame_ipv6(&f, src, dst, proto);
	if (proto == IPPROTO_UDP)
		frame_udp(&f, sport, dport);
	else
		frame_tcp(&f, sport, dport, TCP_ACK | TCP_PSH);
	frame_bytes(&f, payload, len);
	frame_done(&f);
	return f;
}

/* Fragment k of d: L4 bytes [from, to) of it. IPv4: the header with MF and the offset set
 * and its checksum redone; IPv6: a fragment header after the fixed one. */
static struct frame fragment(const struct frame *d, uint32_t id, unsigned from, unsigned to)
{
	unsigned l4_len = (unsigned)(d->len - d->l4);
	int more = to < l4_len;
	struct frame f = frame_new();
	frame_bytes(&f, d->b, (size_t)d->l4);   /* Ethernet and IP header */
	f.l3 = d->l3;
	f.family = d->family;
	uint8_t *ip = f.b + f.l3;
	if (d->family == 4) {
		set16(ip + 2, (uint16_t)(20 + to - from));
		set16(ip + 4, (uint16_t)id);
		set16(ip + 6, (uint16_t)((more ? 0x2000 : 0) | from / 8));
		set16(ip + 10, 0);
		set16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
	} else {
		uint8_t next = ip[6];
		ip[6] = 44;
		set16(ip + 4, (uint16_t)(8 + to - from));
		put8(&f, next);
		put8(&f, 0);
		put16(&f, (uint16_t)(from | more));
		put32(&f, id);
	}
	f.l4 = (int16_t)f.len;
	frame_bytes(&f, d->b + d->l4 + from, to - from);
	return f;
}

/* ---------------------------------------------------------------- reading what came out */

struct reassembled {
	struct frame f;            /* as one datagram: its checksums can be checked */
	uint32_t id;
	int fragments;
	int ids_agree;
};

/* Puts fragments back together the way a receiving host does. */
static struct reassembled reassemble(const struct frame *frags, int n)
{
	struct reassembled r = { .f = frame_new(), .ids_agree = 1 };
	const struct frame *first = NULL;
	unsigned end = 0;
	uint8_t data[4096];
	for (int i = 0; i < n; i++) {
		const uint8_t *ip = frags[i].b + 14;
		unsigned offset, len, hdr;
		uint32_t id;
		if ((ip[0] >> 4) == 4) {
			hdr = (unsigned)(ip[0] & 0xf) * 4;
			offset = (get16(ip + 6) & 0x1fff) * 8u;
			len = get16(ip + 2) - hdr;
			id = get16(ip + 4);
		} else {
			hdr = 48;
			offset = get16(ip + 42) & 0xfff8u;
			len = get16(ip + 4) - 8u;
			id = (uint32_t)get16(ip + 44) << 16 | get16(ip + 46);
		}
		memcpy(data + offset, ip + hdr, len);
		end = offset + len > end ? offset + len : end;
		if (offset == 0)
			first = &frags[i];
		if (i == 0)
			r.id = id;
		r.ids_agree &= id == r.id;
	}
	r.fragments = n;
	if (first == NULL)
		return r;
	const uint8_t *ip = first->b + 14;
	int v4 = (ip[0] >> 4) == 4;
	frame_bytes(&r.f, first->b, 14);
	r.f.l3 = 14;
	r.f.family = v4 ? 4 : 6;
	if (v4) {
		frame_bytes(&r.f, ip, 20);
		set16(r.f.b + 14 + 2, (uint16_t)(20 + end));
		set16(r.f.b + 14 + 6, 0);
		set16(r.f.b + 14 + 10, 0);
		set16(r.f.b + 14 + 10, (uint16_t)~fold(sum16(r.f.b + 14, 20, 0)));
		r.f.proto = ip[9];
	} else {
		frame_bytes(&r.f, ip, 40);
		r.f.b[14 + 6] = ip[40];
		set16(r.f.b + 14 + 4, (uint16_t)end);
		r.f.proto = ip[40];
	}
	r.f.l4 = (int16_t)r.f.len;
	frame_bytes(&r.f, data, end);
	return r;
}

/* Pushes each fragment; collects what went out (at most one frame each). */
static int push_all(const struct frame *in, int n, struct frame *out, int *drops)
{
	int sent = 0;
	*drops = -1;
	for (int i = 0; i < n; i++) {
		struct outcome o = push(&in[i]);
		CHECK(o.leaked == 0, "no mbuf leaked");
		if (o.port == 0)
			out[sent++] = o.out;
		else
			*drops = o.drop;
	}
	return sent;
}

static int addr_is(const uint8_t *at, int family, const char *text)
{
	uint8_t a[16];
	inet_pton(family == 4 ? AF_INET : AF_INET6, text, a);
	return memcmp(at, a, family == 4 ? 4 : 16) == 0;
}

/* The reassembled datagram: from src:sport to dst:dport, checksums right, the payload sent. */
static void expect_datagram(const char *what, const struct reassembled *r, int family, const char *src,
			    uint16_t sport, const char *dst, uint16_t dport, size_t len)
{
	const uint8_t *ip = r->f.b + 14, *l4 = r->f.b + r->f.l4;
	int off = family == 4 ? 12 : 8, alen = family == 4 ? 4 : 16;
	CHECK(r->ids_agree, "%s: every fragment carries one identification", what);
	CHECK(addr_is(ip + off, family, src) && addr_is(ip + off + alen, family, dst), "%s: addresses", what);
	CHECK(get16(l4) == sport && get16(l4 + 2) == dport, "%s: ports %u > %u (want %u > %u)", what, get16(l4),
	      get16(l4 + 2), sport, dport);
	CHECK(frame_checksums_ok(r->f.b, r->f.len, 14, r->f.l4), "%s: the L4 checksum is right for the new addresses",
	      what);
	size_t hl = r->f.proto == IPPROTO_UDP ? 8 : 20;
	CHECK((size_t)(r->f.len - r->f.l4) == hl + len && memcmp(l4 + hl, payload, len) == 0,
	      "%s: the payload arrives whole (%u bytes)", what, (unsigned)(r->f.len - r->f.l4));
}

/* ---------------------------------------------------------------- the cases */

/* A large UDP query (EDNS-sized) from the client, and a larger answer from the backend, both
 * in fragments, through full NAT: both directions reassemble right. */
static void full_nat_udp_both_ways(int family)
{
	const char *client = family == 4 ? CLIENT : CLIENT6, *vip = family == 4 ? VIP : VIP6;
	const char *backend = family == 4 ? B11 : B6, *port_ip = family == 4 ? PORT_IP : PORT_IP6;
	const char *fam = family == 4 ? "IPv4" : "IPv6";
	uint16_t cport = family == 4 ? 40000 : 40001;
	struct frame d = datagram(family, PORT_MAC, CLIENT_MAC, client, vip, IPPROTO_UDP, cport, FULLNAT_UDP, 1200);
	struct frame in[2] = { fragment(&d, 0x1111, 0, 1000), fragment(&d, 0x1111, 1000, 1208) }, out[2];
	int drop, n = push_all(in, 2, out, &drop);
	char what[64];
	snprintf(what, sizeof(what), "%s full NAT query in 2 fragments", fam);
	CHECK(n == 2, "%s: both forwarded (%d, drop %d)", what, n, drop);
	if (n != 2)
		return;
	CHECK(memcmp(out[0].b, B11_MAC, 6) == 0 && memcmp(out[1].b, B11_MAC, 6) == 0, "%s: both to the backend", what);
	struct reassembled r = reassemble(out, 2);
	uint16_t snat = get16(r.f.b + r.f.l4);
	expect_datagram(what, &r, family, port_ip, snat, backend, 5353, 1200);
	CHECK(snat >= SNAT_FIRST, "%s: from a SNAT port (%u)", what, snat);

	/* The answer: three fragments, the first one last-but-one on the wire. */
	struct frame a = datagram(family, PORT_MAC, B11_MAC, backend, port_ip, IPPROTO_UDP, 5353, snat, 1500);
	struct frame ain[3] = { fragment(&a, 0x2222, 0, 600), fragment(&a, 0x2222, 600, 1200),
				fragment(&a, 0x2222, 1200, 1508) }, aout[3];
	n = push_all(ain, 3, aout, &drop);
	snprintf(what, sizeof(what), "%s full NAT answer in 3 fragments", fam);
	CHECK(n == 3, "%s: all reach the client (%d, drop %d)", what, n, drop);
	if (n != 3)
		return;
	CHECK(memcmp(aout[0].b, CLIENT_MAC, 6) == 0 && memcmp(aout[2].b, CLIENT_MAC, 6) == 0, "%s: to the client", what);
	r = reassemble(aout, 3);
	expect_datagram(what, &r, family, vip, FULLNAT_UDP, client, cport, 1500);
}

/* NAT keeps the client's address; DSR changes nothing but the MAC (identification too). */
static void nat_and_dsr(void)
{
	struct frame d = datagram(4, PORT_MAC, CLIENT_MAC, CLIENT, VIP, IPPROTO_UDP, 41000, NAT_UDP, 1300);
	struct frame in[2] = { fragment(&d, 0x3333, 0, 808), fragment(&d, 0x3333, 808, 1308) }, out[2];
	int drop, n = push_all(in, 2, out, &drop);
	CHECK(n == 2, "NAT: both fragments forwarded (%d, drop %d)", n, drop);
	if (n == 2) {
		struct reassembled r = reassemble(out, 2);
		expect_datagram("NAT query in 2 fragments", &r, 4, CLIENT, 41000, B11, 5353, 1300);
	}
	d = datagram(4, PORT_MAC, CLIENT_MAC, CLIENT, VIP, IPPROTO_UDP, 41001, DSR_UDP, 1300);
	struct frame din[2] = { fragment(&d, 0x4444, 0, 808), fragment(&d, 0x4444, 808, 1308) };
	n = push_all(din, 2, out, &drop);
	CHECK(n == 2 && memcmp(out[0].b, B11_MAC, 6) == 0 && memcmp(out[1].b, B11_MAC, 6) == 0,
	      "DSR: both fragments to the backend's MAC (%d, drop %d)", n, drop);
	if (n == 2) {
		CHECK(memcmp(out[0].b + 14, din[0].b + 14, din[0].len - 14) == 0 &&
		      memcmp(out[1].b + 14, din[1].b + 14, din[1].len - 14) == 0, "DSR: IP packets untouched");
	}
}

/* A TCP segment in fragments (DF clear), full NAT: the TCP checksum follows the new tuple. */
static void full_nat_tcp(void)
{
	struct frame syn = frame_new();
	frame_eth(&syn, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&syn, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(&syn, 42000, FULLNAT_TCP, TCP_SYN);
	frame_done(&syn);
	struct outcome o = push(&syn);
	CHECK(o.port == 0, "TCP: the connection opens");
	uint16_t snat = o.port == 0 ? get16(o.out.b + 14 + 20) : 0;
	struct frame d = datagram(4, PORT_MAC, CLIENT_MAC, CLIENT, VIP, IPPROTO_TCP, 42000, FULLNAT_TCP, 1000);
	struct frame in[2] = { fragment(&d, 0x5555, 0, 520), fragment(&d, 0x5555, 520, 1020) }, out[2];
	int drop, n = push_all(in, 2, out, &drop);
	CHECK(n == 2, "TCP: both fragments forwarded (%d, drop %d)", n, drop);
	if (n == 2) {
		struct reassembled r = reassemble(out, 2);
		expect_datagram("TCP segment in 2 fragments", &r, 4, PORT_IP, snat, B11, 8080, 1000);
	}
}

/* Two clients' datagrams with one identification must not share one after full NAT. */
static void identifications_do_not_collide(void)
{
	uint32_t ids[2];
	const char *clients[2] = { CLIENT, CLIENT2 };
	for (int c = 0; c < 2; c++) {
		struct frame d = datagram(4, PORT_MAC, CLIENT_MAC, clients[c], VIP, IPPROTO_UDP, 43000, FULLNAT_UDP, 1200);
		struct frame in[2] = { fragment(&d, 0x7777, 0, 1000), fragment(&d, 0x7777, 1000, 1208) }, out[2];
		int drop, n = push_all(in, 2, out, &drop);
		CHECK(n == 2, "client %d: forwarded (%d, drop %d)", c, n, drop);
		ids[c] = n == 2 ? reassemble(out, 2).id : (uint32_t)c;
	}
	CHECK(ids[0] != ids[1], "the same identification from two clients leaves as two (%#x, %#x)", ids[0], ids[1]);
}

static void counted_when_not_followed(void)
{
	struct frame d = datagram(4, PORT_MAC, CLIENT_MAC, CLIENT, VIP, IPPROTO_UDP, 44000, FULLNAT_UDP, 1200);
	struct frame later = fragment(&d, 0x8888, 1000, 1208), first = fragment(&d, 0x8888, 0, 1000);
	struct outcome o = push(&later);
	CHECK(o.port < 0 && o.drop == DROP_FRAGMENT_WITHOUT_FIRST, "a later fragment before its first: dropped (%d)",
	      o.drop);
	o = push(&first);
	CHECK(o.port == 0, "its first fragment still goes (%d)", o.drop);

	/* A first fragment that does not hold the TCP header (RFC 1858's tiny fragment). */
	struct frame t = datagram(4, PORT_MAC, CLIENT_MAC, CLIENT, VIP, IPPROTO_TCP, 44001, FULLNAT_TCP, 100);
	struct frame tiny = fragment(&t, 0x9999, 0, 16), overlapping = fragment(&t, 0x9999, 8, 120);
	o = push(&tiny);
	CHECK(o.port < 0 && o.drop == DROP_BAD_L4_HEADER, "a first fragment cut inside the TCP header (%d)", o.drop);
	/* A later fragment overlapping the TCP header (offset 8 bytes). */
	o = push(&overlapping);
	CHECK(o.port < 0 && o.drop == DROP_BAD_L4_HEADER, "a later fragment overlapping the TCP header (%d)", o.drop);

	/* Not translated: ICMP and SCTP fragments. */
	struct frame ping = frame_new();
	frame_eth(&ping, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&ping, CLIENT, VIP, IPPROTO_ICMP);
	frame_icmp_echo(&ping, 8, 1, 1);
	frame_bytes(&ping, payload, 64);
	frame_done(&ping);
	struct frame ping_first = fragment(&ping, 0xaaaa, 0, 40);
	o = push(&ping_first);
	CHECK(o.port < 0 && o.drop == DROP_IP_FRAGMENT, "an ICMP fragment (%d)", o.drop);
	struct frame sctp = frame_new();
	frame_eth(&sctp, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&sctp, CLIENT, VIP, IPPROTO_SCTP);
	frame_sctp(&sctp, 5000, 3868, 0, 1);
	frame_bytes(&sctp, payload, 64);
	frame_done(&sctp);
	struct frame sctp_first = fragment(&sctp, 0xbbbb, 0, 40);
	o = push(&sctp_first);
	CHECK(o.port < 0 && o.drop == DROP_IP_FRAGMENT, "an SCTP fragment (%d)", o.drop);

	/* Notes expire: after FRAG_TIMEOUT_S a later fragment finds none. */
	struct frame e = datagram(4, PORT_MAC, CLIENT_MAC, CLIENT, VIP, IPPROTO_UDP, 44002, FULLNAT_UDP, 1200);
	struct frame e_first = fragment(&e, 0xcccc, 0, 1000), e_later = fragment(&e, 0xcccc, 1000, 1208);
	o = push(&e_first);
	CHECK(o.port == 0, "a first fragment (%d)", o.drop);
	clock_skew += FRAG_TIMEOUT_S + 2;
	o = push(&e_later);
	clock_skew -= FRAG_TIMEOUT_S + 2;
	CHECK(o.port < 0 && o.drop == DROP_FRAGMENT_WITHOUT_FIRST, "its later fragment after the note expired (%d)",
	      o.drop);
}

int main(int argc, char **argv)
{
	(void)argc;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	harness_init(argv[0]);
	commit();
	full_nat_udp_both_ways(4);
	full_nat_udp_both_ways(6);
	nat_and_dsr();
	full_nat_tcp();
	identifications_do_not_collide();
	counted_when_not_followed();
	return report("test_frag");
}
