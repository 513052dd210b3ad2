/* SPDX-License-Identifier: Apache-2.0
 * Table-driven packet tests for every forwarding mode and both families: NAT, DSR (MAC
 * rewrite), DSR over IP-in-IP, full NAT over IPv6, SCTP with its CRC32c, NDP, ICMPv6 echo,
 * ICMP errors translated for tracked flows, "too big" for encapsulation, and the IPv6
 * malformed cases. Forward and reverse, exact bytes, a leak check after each. */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
static const uint8_t B11_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t SOLICITED_PORT6[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 };
static const uint8_t SOLICITED_VIP6[6] = { 0x33, 0x33, 0xff, 0x00, 0x02, 0x00 };
#define CLIENT "198.18.0.100"
#define VIP "198.18.0.210"
#define B11 "198.18.0.11"
#define CLIENT6 "2001:2::100"
#define VIP6 "2001:2::200"
#define B6 "2001:2::11"
#define SNAT_V6_TCP 1024
#define SNAT_V6_UDP 1025
#define SNAT_V4_SCTP 1026

/* ---------------------------------------------------------------- configuration */

struct svc_def {
	const char *vip;
	uint8_t family, proto, mode;
	uint16_t port;
	const char *backend;
	uint16_t backend_port;
};

static const struct svc_def SERVICES[] = {
	{ VIP, 4, IPPROTO_TCP, GFWD_MODE_NAT, 80, B11, 8080 },
	{ VIP, 4, IPPROTO_TCP, GFWD_MODE_DSR, 8081, B11, 8081 },
	{ VIP, 4, IPPROTO_TCP, GFWD_MODE_DSR_IPIP, 8082, B11, 8082 },
	{ VIP, 4, IPPROTO_SCTP, GFWD_MODE_FULLNAT, 3868, B11, 3868 },
	{ VIP6, 6, IPPROTO_TCP, GFWD_MODE_FULLNAT, 80, B6, 8080 },
	{ VIP6, 6, IPPROTO_UDP, GFWD_MODE_FULLNAT, 53, B6, 5353 },
	{ VIP6, 6, IPPROTO_TCP, GFWD_MODE_NAT, 81, B6, 8080 },
	{ VIP6, 6, IPPROTO_TCP, GFWD_MODE_DSR, 8081, B6, 8081 },
	{ VIP6, 6, IPPROTO_TCP, GFWD_MODE_DSR_IPIP, 8082, B6, 8082 },
};
#define N_SERVICES (sizeof(SERVICES) / sizeof(SERVICES[0]))

static void commit_modes(void)
{
	struct gfwd_service s[N_SERVICES];
	struct gfwd_backend b[N_SERVICES];
	for (size_t i = 0; i < N_SERVICES; i++) {
		const struct svc_def *d = &SERVICES[i];
		int af = d->family == 4 ? AF_INET : AF_INET6;
		s[i] = (struct gfwd_service){ .family = d->family, .proto = d->proto, .port = d->port,
					      .mode = d->mode, .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251,
					      .first_backend = (uint32_t)i, .n_backends = 1 };
		inet_pton(af, d->vip, s[i].vip);
		b[i] = (struct gfwd_backend){ .family = d->family, .port = d->backend_port, .weight = 1 };
		inet_pton(af, d->backend, b[i].addr);
	}
	if (gfwd_commit(1, s, N_SERVICES, b, N_SERVICES, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* ---------------------------------------------------------------- neighbours */

static void ns_for_port6(struct frame *f)
{
	frame_eth_type(f, SOLICITED_PORT6, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, "ff02::1:ff00:2", IPPROTO_ICMPV6, 255);
	frame_nd(f, 135, 0, PORT_IP6, 1, CLIENT_MAC);
	frame_done(f);
}
static void na_from_port6(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, PORT_IP6, CLIENT6, IPPROTO_ICMPV6, 255);
	frame_nd(f, 136, 0x60, PORT_IP6, 2, PORT_MAC);
	frame_done(f);
}
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
static void ns_for_other6(struct frame *f)
{
	frame_eth_type(f, SOLICITED_PORT6, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, "ff02::1:ff00:2", IPPROTO_ICMPV6, 255);
	frame_nd(f, 135, 0, "2001:2::99", 1, CLIENT_MAC);
	frame_done(f);
}
static void ns_hop_limit_64(struct frame *f)
{
	frame_eth_type(f, SOLICITED_PORT6, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, "ff02::1:ff00:2", IPPROTO_ICMPV6, 64);
	frame_nd(f, 135, 0, PORT_IP6, 1, CLIENT_MAC);
	frame_done(f);
}
static void na_from_backend6(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, B11_MAC, 0x86dd);
	frame_ipv6_hop(f, B6, PORT_IP6, IPPROTO_ICMPV6, 255);
	frame_nd(f, 136, 0x60, B6, 2, B11_MAC);
	frame_done(f);
}
static void arp_reply_b11(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, B11_MAC, 0x0806);
	frame_arp(f, 2, B11_MAC, B11, PORT_MAC, PORT_IP);
}

/* ---------------------------------------------------------------- ICMPv6 echo */

static void ping6_vip(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_ICMPV6);
	frame_icmp_echo(f, 128, 9, 1);
	frame_payload(f, "ping6");
	frame_done(f);
}
static void pong6_vip(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6(f, VIP6, CLIENT6, IPPROTO_ICMPV6);
	frame_icmp_echo(f, 129, 9, 1);
	frame_payload(f, "ping6");
	frame_done(f);
}

/* ---------------------------------------------------------------- full NAT over IPv6 */

static void syn6_to_vip(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void syn6_to_backend(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, PORT_IP6, B6, IPPROTO_TCP, 63);
	frame_tcp(f, SNAT_V6_TCP, 8080, TCP_SYN);
	frame_done(f);
}
static void synack6_from_backend(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, B11_MAC, 0x86dd);
	frame_ipv6(f, B6, PORT_IP6, IPPROTO_TCP);
	frame_tcp(f, 8080, SNAT_V6_TCP, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void synack6_to_client(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, CLIENT6, IPPROTO_TCP, 63);
	frame_tcp(f, 80, 40000, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void ack6_with_dstopts(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_ipv6_ext(f, 60, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_ACK);
	frame_done(f);
}
static void ack6_with_dstopts_to_backend(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, PORT_IP6, B6, IPPROTO_TCP, 63);
	frame_ipv6_ext(f, 60, IPPROTO_TCP);
	frame_tcp(f, SNAT_V6_TCP, 8080, TCP_ACK);
	frame_done(f);
}
static void udp6_to_vip(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_UDP);
	frame_udp(f, 50000, 53);
	frame_payload(f, "query6");
	frame_done(f);
}
static void udp6_to_backend(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, PORT_IP6, B6, IPPROTO_UDP, 63);
	frame_udp(f, SNAT_V6_UDP, 5353);
	frame_payload(f, "query6");
	frame_done(f);
}
static void udp6_from_backend(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, B11_MAC, 0x86dd);
	frame_ipv6(f, B6, PORT_IP6, IPPROTO_UDP);
	frame_udp(f, 5353, SNAT_V6_UDP);
	frame_payload(f, "answer6");
	frame_done(f);
}
static void udp6_to_client(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, CLIENT6, IPPROTO_UDP, 63);
	frame_udp(f, 53, 50000);
	frame_payload(f, "answer6");
	frame_done(f);
}

/* ---------------------------------------------------------------- NAT (DNAT only) */

static void nat_syn(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 41000, 80, TCP_SYN);
	frame_done(f);
}
static void nat_syn_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, CLIENT, B11, IPPROTO_TCP, 63);
	frame_tcp(f, 41000, 8080, TCP_SYN);
	frame_done(f);
}
static void nat_synack(struct frame *f)
{
	frame_eth(f, PORT_MAC, B11_MAC);      /* the backend routes the answer through us */
	frame_ipv4(f, B11, CLIENT, IPPROTO_TCP);
	frame_tcp(f, 8080, 41000, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void nat_synack_to_client(struct frame *f)
{
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4_ttl(f, VIP, CLIENT, IPPROTO_TCP, 63);
	frame_tcp(f, 80, 41000, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void nat6_syn(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 41000, 81, TCP_SYN);
	frame_done(f);
}
static void nat6_syn_to_backend(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, B6, IPPROTO_TCP, 63);
	frame_tcp(f, 41000, 8080, TCP_SYN);
	frame_done(f);
}
static void nat6_synack(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, B11_MAC, 0x86dd);
	frame_ipv6(f, B6, CLIENT6, IPPROTO_TCP);
	frame_tcp(f, 8080, 41000, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void nat6_synack_to_client(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, CLIENT6, IPPROTO_TCP, 63);
	frame_tcp(f, 81, 41000, TCP_SYN | TCP_ACK);
	frame_done(f);
}

/* ---------------------------------------------------------------- DSR */

static void dsr_syn(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 42000, 8081, TCP_SYN);
	frame_done(f);
}
static void dsr_syn_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);      /* same IP packet, TTL untouched: a switch's view */
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 42000, 8081, TCP_SYN);
	frame_done(f);
}
static void dsr6_syn(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 42000, 8081, TCP_SYN);
	frame_done(f);
}
static void dsr6_syn_to_backend(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 42000, 8081, TCP_SYN);
	frame_done(f);
}

/* ---------------------------------------------------------------- DSR over IP-in-IP */

static void ipip_syn(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 43000, 8082, TCP_SYN);
	frame_done(f);
}
static void ipip_syn_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_outer_ipv4(f, PORT_IP, B11);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 43000, 8082, TCP_SYN);
	frame_done(f);
}
static void ipip6_syn(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 43000, 8082, TCP_SYN);
	frame_done(f);
}
static void ipip6_syn_to_backend(struct frame *f)
{
	frame_eth_type(f, B11_MAC, PORT_MAC, 0x86dd);
	frame_outer_ipv6(f, PORT_IP6, B6);
	frame_ipv6(f, CLIENT6, VIP6, IPPROTO_TCP);
	frame_tcp(f, 43000, 8082, TCP_SYN);
	frame_done(f);
}

static char big_payload[1450];   /* 20 + 20 + 1450 = 1490 bytes: fits 1500, not with 20 more */

static void ipip_too_big(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 43001, 8082, TCP_ACK);
	frame_payload(f, big_payload);
	frame_done(f);
}
static void frag_needed_to_client(struct frame *f)
{
	struct frame orig = frame_new();
	ipip_too_big(&orig);
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4(f, VIP, CLIENT, IPPROTO_ICMP);
	memset(f->b + f->l3 + 4, 0, 4);     /* generated: no id, no flags */
	put8(f, 3);
	put8(f, 4);
	put16(f, 0);
	put16(f, 0);
	put16(f, 1480);
	frame_bytes(f, orig.b + 14, 28);
	frame_done(f);
}

/* ---------------------------------------------------------------- SCTP */

static void sctp_init(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_SCTP);
	frame_sctp(f, 5000, 3868, 0, 1 /* INIT */);
	frame_done(f);
}
static void sctp_init_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, PORT_IP, B11, IPPROTO_SCTP, 63);
	frame_sctp(f, SNAT_V4_SCTP, 3868, 0, 1);
	frame_done(f);
}
static void sctp_init_ack(struct frame *f)
{
	frame_eth(f, PORT_MAC, B11_MAC);
	frame_ipv4(f, B11, PORT_IP, IPPROTO_SCTP);
	frame_sctp(f, 3868, SNAT_V4_SCTP, 0xabcdef01, 2 /* INIT ACK */);
	frame_done(f);
}
static void sctp_init_ack_to_client(struct frame *f)
{
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4_ttl(f, VIP, CLIENT, IPPROTO_SCTP, 63);
	frame_sctp(f, 3868, 5000, 0xabcdef01, 2);
	frame_done(f);
}

/* ---------------------------------------------------------------- ICMP errors */

/* The backend says "port unreachable" about the INIT we sent it. */
static void unreachable_from_backend(struct frame *f)
{
	struct frame sent = frame_new();
	sctp_init_to_backend(&sent);
	frame_eth(f, PORT_MAC, B11_MAC);
	frame_ipv4(f, B11, PORT_IP, IPPROTO_ICMP);
	put8(f, 3);
	put8(f, 3);
	put32(f, 0);
	put16(f, 0);
	frame_bytes(f, sent.b + 14, 28);
	frame_done(f);
}
static void unreachable_to_client(struct frame *f)
{
	struct frame quote = frame_new();   /* the client's INIT as it reached the backend, in its terms */
	frame_ipv4_ttl(&quote, CLIENT, VIP, IPPROTO_SCTP, 63);
	frame_sctp(&quote, 5000, 3868, 0, 1);
	frame_done(&quote);
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4_ttl(f, VIP, CLIENT, IPPROTO_ICMP, 63);
	put8(f, 3);
	put8(f, 3);
	put32(f, 0);
	put16(f, 0);
	frame_bytes(f, quote.b, 20);
	/* The quoted SCTP header: ports translated, the rest (vtag, CRC) as the backend saw it. */
	struct frame sent = frame_new();
	sctp_init_to_backend(&sent);
	frame_bytes(f, quote.b + 20, 4);
	frame_bytes(f, sent.b + 14 + 24, 4);
	frame_done(f);
}
/* A router on the backend side: "packet too big" about our IPv6 SYN to the backend. */
static void too_big6_from_router(struct frame *f)
{
	struct frame sent = frame_new();
	syn6_to_backend(&sent);
	frame_eth_type(f, PORT_MAC, B11_MAC, 0x86dd);
	frame_ipv6(f, "2001:2::1", PORT_IP6, IPPROTO_ICMPV6);
	put8(f, 2);
	put8(f, 0);
	put16(f, 0);
	put32(f, 1280);
	frame_bytes(f, sent.b + 14, 48);
	frame_done(f);
}
static void too_big6_to_client(struct frame *f)
{
	struct frame sent = frame_new();
	syn6_to_backend(&sent);
	struct frame quote = frame_new();
	frame_ipv6_hop(&quote, CLIENT6, VIP6, IPPROTO_TCP, 63);
	frame_tcp(&quote, 40000, 80, TCP_SYN);
	frame_done(&quote);
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, CLIENT6, IPPROTO_ICMPV6, 63);
	put8(f, 2);
	put8(f, 0);
	put16(f, 0);
	put32(f, 1280);
	frame_bytes(f, quote.b, 40);
	frame_bytes(f, quote.b + 40, 4);        /* ports in client terms */
	frame_bytes(f, sent.b + 14 + 44, 4);    /* the rest as sent */
	set16(f->b + 14 + 4, (uint16_t)(f->len - 14 - 40));
	frame_done(f);
}

/* ---------------------------------------------------------------- IPv6 malformed */

static void v6_fragment(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, 44);
	put8(f, IPPROTO_UDP);
	put8(f, 0);
	put16(f, 1);     /* more fragments, offset 0: the first */
	put32(f, 7);
	frame_udp(f, 50000, 53);
	frame_done(f);   /* the UDP length says this fragment is all of it: it cannot be the first */
}
static void v6_hop_limit_1(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, CLIENT6, VIP6, IPPROTO_TCP, 1);
	frame_tcp(f, 40010, 80, TCP_SYN);
	frame_done(f);
}
static void v6_truncated(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	put32(f, 0x60000000);
	put32(f, 0x00140640);
}
static void v6_payload_beyond_frame(struct frame *f)
{
	syn6_to_vip(f);
	set16(f->b + 14 + 4, 500);
}
static void v6_ext_header_beyond(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, VIP6, 0);
	put8(f, IPPROTO_TCP);
	put8(f, 20);     /* says 168 bytes */
	put16(f, 0);
	put32(f, 0);
	frame_done(f);
}
static void v6_router_advert(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, "fe80::1", PORT_IP6, IPPROTO_ICMPV6, 255);
	put8(f, 134);
	put8(f, 0);
	put16(f, 0);
	put32(f, 0);
	put32(f, 0);
	put32(f, 0);
	frame_done(f);
}
static void v6_multicast_udp(struct frame *f)
{
	frame_eth_type(f, SOLICITED_PORT6, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, CLIENT6, "ff02::fb", IPPROTO_UDP);
	frame_udp(f, 5353, 5353);
	frame_done(f);
}

/* ---------------------------------------------------------------- martian sources */

/* RFC 4291: a SYN to the IPv6 VIP from an address no host has. */
#define SYN6_FROM(name, src, dst)                                       \
	static void name(struct frame *f)                               \
	{                                                               \
		frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);        \
		frame_ipv6(f, src, dst, IPPROTO_TCP);                   \
		frame_tcp(f, 40200, 80, TCP_SYN);                       \
		frame_done(f);                                          \
	}
SYN6_FROM(syn6_from_unspecified, "::", VIP6)
SYN6_FROM(syn6_from_loopback, "::1", VIP6)
SYN6_FROM(syn6_from_all_nodes, "ff02::1", VIP6)
SYN6_FROM(syn6_from_global_multicast, "ff0e::101", VIP6)
SYN6_FROM(syn6_land, VIP6, VIP6)
SYN6_FROM(syn6_from_port_address, PORT_IP6, VIP6)
static void ping6_from_all_nodes(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, "ff02::1", VIP6, IPPROTO_ICMPV6);
	frame_icmp_echo(f, 128, 9, 2);
	frame_done(f);
}
static void ping6_land(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x86dd);
	frame_ipv6(f, VIP6, VIP6, IPPROTO_ICMPV6);
	frame_icmp_echo(f, 128, 9, 3);
	frame_done(f);
}
/* Duplicate address detection for the VIP: from ::, no source link-layer option. */
static void dad_ns_for_vip6(struct frame *f)
{
	frame_eth_type(f, SOLICITED_VIP6, CLIENT_MAC, 0x86dd);
	frame_ipv6_hop(f, "::", "ff02::1:ff00:200", IPPROTO_ICMPV6, 255);
	frame_nd(f, 135, 0, VIP6, 0, NULL);
	frame_done(f);
}
static void dad_na_for_vip6(struct frame *f)
{
	static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	frame_eth_type(f, all_nodes, PORT_MAC, 0x86dd);
	frame_ipv6_hop(f, VIP6, "ff02::1", IPPROTO_ICMPV6, 255);
	frame_nd(f, 136, 0x20, VIP6, 2, PORT_MAC);
	frame_done(f);
}

/* ---------------------------------------------------------------- the table */


static const struct packet_case cases[] = {
	{ "NDP: solicitation for the port's IPv6 address is answered", ns_for_port6, SENT, na_from_port6 },
	{ "NDP: solicitation for an IPv6 VIP is answered", ns_for_vip6, SENT, na_for_vip6 },
	{ "NDP: solicitation for another host is not ours", ns_for_other6, DROPPED, NULL, DROP_NOT_FOR_US },
	{ "NDP: solicitation with hop limit 64 is forged", ns_hop_limit_64, DROPPED, NULL, DROP_BAD_L4_HEADER },
	{ "NDP: advertisement from the IPv6 backend is learnt", na_from_backend6, CONSUMED },
	{ "ARP: reply from the IPv4 backend is learnt", arp_reply_b11, CONSUMED },
	{ "ICMPv6 echo to an IPv6 VIP is answered", ping6_vip, SENT, pong6_vip },
	{ "IPv6 full NAT forward", syn6_to_vip, SENT, syn6_to_backend },
	{ "IPv6 full NAT reverse", synack6_from_backend, SENT, synack6_to_client },
	{ "IPv6 with a destination-options header keeps it", ack6_with_dstopts, SENT, ack6_with_dstopts_to_backend },
	{ "IPv6 UDP full NAT forward", udp6_to_vip, SENT, udp6_to_backend },
	{ "IPv6 UDP full NAT reverse", udp6_from_backend, SENT, udp6_to_client },
	{ "NAT forward keeps the client's address", nat_syn, SENT, nat_syn_to_backend },
	{ "NAT reverse: the backend's answer leaves from the VIP", nat_synack, SENT, nat_synack_to_client },
	{ "IPv6 NAT forward", nat6_syn, SENT, nat6_syn_to_backend },
	{ "IPv6 NAT reverse", nat6_synack, SENT, nat6_synack_to_client },
	{ "DSR rewrites the MAC only", dsr_syn, SENT, dsr_syn_to_backend },
	{ "IPv6 DSR rewrites the MAC only", dsr6_syn, SENT, dsr6_syn_to_backend },
	{ "DSR over IPIP: IPv4 in IPv4", ipip_syn, SENT, ipip_syn_to_backend },
	{ "DSR over IPIP: IPv6 in IPv6", ipip6_syn, SENT, ipip6_syn_to_backend },
	{ "IPIP would exceed the MTU: fragmentation needed to the client", ipip_too_big, SENT, frag_needed_to_client },
	{ "SCTP full NAT forward with CRC32c", sctp_init, SENT, sctp_init_to_backend },
	{ "SCTP full NAT reverse with CRC32c", sctp_init_ack, SENT, sctp_init_ack_to_client },
	{ "ICMP unreachable from the backend reaches the client in its terms", unreachable_from_backend, SENT, unreachable_to_client },
	{ "ICMPv6 packet too big from the backend side reaches the client", too_big6_from_router, SENT, too_big6_to_client },
	{ "IPv6 first fragment holding its whole datagram", v6_fragment, DROPPED, NULL, DROP_BAD_L4_HEADER },
	{ "IPv6 hop limit 1", v6_hop_limit_1, DROPPED, NULL, DROP_TTL_EXCEEDED },
	{ "IPv6 header truncated", v6_truncated, DROPPED, NULL, DROP_TOO_SHORT },
	{ "IPv6 payload length beyond the frame", v6_payload_beyond_frame, DROPPED, NULL, DROP_BAD_IP_HEADER },
	{ "IPv6 extension header beyond the packet", v6_ext_header_beyond, DROPPED, NULL, DROP_BAD_IP_HEADER },
	{ "ICMPv6 router advertisement", v6_router_advert, DROPPED, NULL, DROP_UNSUPPORTED_ICMP },
	{ "IPv6 multicast UDP", v6_multicast_udp, DROPPED, NULL, DROP_NOT_FOR_US },
	{ "martian: SYN from ::", syn6_from_unspecified, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from ::1", syn6_from_loopback, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from ff02::1", syn6_from_all_nodes, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from ff0e::101", syn6_from_global_multicast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: land SYN (source = destination = IPv6 VIP)", syn6_land, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from the port's IPv6 address", syn6_from_port_address, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: ICMPv6 echo from ff02::1 is not answered", ping6_from_all_nodes, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: land ICMPv6 echo is not answered", ping6_land, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "NDP: duplicate address detection from :: is answered to all nodes", dad_ns_for_vip6, SENT, dad_na_for_vip6 },
};


/* A VIP takeover: unsolicited neighbour advertisements, as many as asked, for the VIP. */
static void unsolicited_advertisements(void)
{
	uint8_t vip[16];
	inet_pton(AF_INET6, VIP6, vip);
	CHECK(gfwd_announce(6, vip, 2, 0) == 0, "announce");
	housekeeper_run_once();
	housekeeper_run_once();
	housekeeper_run_once();   /* a third round sends nothing more */
	struct frame want = frame_new();
	static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	frame_eth_type(&want, all_nodes, PORT_MAC, 0x86dd);
	frame_ipv6_hop(&want, VIP6, "ff02::1", IPPROTO_ICMPV6, 255);
	frame_nd(&want, 136, 0x20, VIP6, 2, PORT_MAC);
	frame_done(&want);
	int n = 0, same = 0;
	struct rte_mbuf *m = NULL;
	while (rte_ring_dequeue(dp.ports[0].ctrl_tx, (void **)&m) == 0) {
		if (rte_pktmbuf_data_len(m) == want.len && memcmp(rte_pktmbuf_mtod(m, void *), want.b, want.len) == 0)
			same++;
		n++;
		rte_pktmbuf_free(m);
	}
	CHECK(n == 2 && same == 2, "two unsolicited advertisements with the override flag (%d sent, %d as expected)", n, same);
}

int main(int argc, char **argv)
{
	(void)argc;
	memset(big_payload, 'x', sizeof(big_payload) - 1);
	harness_init(argv[0]);
	commit_modes();
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
	unsolicited_advertisements();
	return report("test_modes");
}
