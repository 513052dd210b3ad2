/* SPDX-License-Identifier: Apache-2.0
 * Table-driven packet tests through the real pipeline (Katran style): each case is a
 * description, an input frame, the expected verdict and, when a frame goes out, the
 * exact expected bytes. Cases run in order and share the worker's flow table, so a
 * reverse-path case relies on the forward case before it. Every case ends with an mbuf
 * leak check. */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
static const uint8_t B11_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t B12_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t B13_MAC[6] = { 0x02, 0, 0, 0, 0, 0x0d };
static const uint8_t OTHER_MAC[6] = { 0x02, 0, 0, 0, 0, 0x77 };
#define CLIENT "198.18.0.100"
#define VIP "198.18.0.200"
#define VIP3 "198.18.0.201"          /* three backends */
#define VIP_UNRESOLVED "198.18.0.202"
#define VIP_EMPTY "198.18.0.203"
#define SNAT_FIRST 1024              /* one worker: the first port of the range */

/* ---------------------------------------------------------------- configuration */

static struct gfwd_backend backend(const char *ip, uint16_t port)
{
	struct gfwd_backend b = { .family = GFWD_AF_INET, .port = port, .weight = 1 };
	inet_pton(AF_INET, ip, b.addr);
	return b;
}

static struct gfwd_service service(const char *vip, uint8_t proto, uint16_t port, uint32_t first, uint32_t n)
{
	struct gfwd_service s = { .family = GFWD_AF_INET, .proto = proto, .port = port,
				  .mode = GFWD_MODE_FULLNAT, .sched = GFWD_SCHED_MAGLEV,
				  .maglev_size = 251, .first_backend = first, .n_backends = n };
	inet_pton(AF_INET, vip, s.vip);
	return s;
}

static uint64_t commit_seq;

/* VIP3's backends are .11 .12 .13 plus any of `extra` (a last octet), minus `removed`. */
static void commit(int extra, int removed)
{
	struct gfwd_backend b[8];
	uint32_t n3 = 0;
	b[0] = backend("198.18.0.11", 8080);
	b[1] = backend("198.18.0.11", 5353);
	b[2] = backend("198.18.0.99", 8080);
	const char *three[] = { "198.18.0.11", "198.18.0.12", "198.18.0.13", "198.18.0.14" };
	for (int i = 0; i < 4; i++) {
		int octet = 11 + i;
		if ((i < 3 || octet == extra) && octet != removed)
			b[3 + n3++] = backend(three[i], 8080);
	}
	struct gfwd_service s[] = {
		service(VIP, IPPROTO_TCP, 80, 0, 1),
		service(VIP, IPPROTO_UDP, 53, 1, 1),
		service(VIP_UNRESOLVED, IPPROTO_TCP, 80, 2, 1),
		service(VIP3, IPPROTO_TCP, 80, 3, n3),
		service(VIP_EMPTY, IPPROTO_TCP, 80, 0, 0),
	};
	int rc = gfwd_commit(++commit_seq, s, 5, b, 3 + n3, NULL, 0);
	if (rc != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* ---------------------------------------------------------------- frames */

static void arp_request_for_port(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, CLIENT_MAC, 0x0806);
	frame_arp(f, 1, CLIENT_MAC, CLIENT, ZERO_MAC, PORT_IP);
}
static void arp_reply_from_port(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x0806);
	frame_arp(f, 2, PORT_MAC, PORT_IP, CLIENT_MAC, CLIENT);
}
static void arp_request_for_vip(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, CLIENT_MAC, 0x0806);
	frame_arp(f, 1, CLIENT_MAC, CLIENT, ZERO_MAC, VIP);
}
static void arp_reply_for_vip(struct frame *f)
{
	frame_eth_type(f, CLIENT_MAC, PORT_MAC, 0x0806);
	frame_arp(f, 2, PORT_MAC, VIP, CLIENT_MAC, CLIENT);
}
static void arp_request_for_other(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, CLIENT_MAC, 0x0806);
	frame_arp(f, 1, CLIENT_MAC, CLIENT, ZERO_MAC, "198.18.0.50");
}
#define ARP_REPLY_FROM(name, mac, ip)                                   \
	static void name(struct frame *f)                               \
	{                                                               \
		frame_eth_type(f, PORT_MAC, mac, 0x0806);               \
		frame_arp(f, 2, mac, ip, PORT_MAC, PORT_IP);            \
	}
ARP_REPLY_FROM(arp_reply_b11, B11_MAC, "198.18.0.11")
ARP_REPLY_FROM(arp_reply_b12, B12_MAC, "198.18.0.12")
ARP_REPLY_FROM(arp_reply_b13, B13_MAC, "198.18.0.13")

static void syn_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void syn_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, PORT_IP, "198.18.0.11", IPPROTO_TCP, 63);
	frame_tcp(f, SNAT_FIRST, 8080, TCP_SYN);
	frame_done(f);
}
static void synack_from_backend(struct frame *f)
{
	frame_eth(f, PORT_MAC, B11_MAC);
	frame_ipv4(f, "198.18.0.11", PORT_IP, IPPROTO_TCP);
	frame_tcp(f, 8080, SNAT_FIRST, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void synack_to_client(struct frame *f)
{
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4_ttl(f, VIP, CLIENT, IPPROTO_TCP, 63);
	frame_tcp(f, 80, 40000, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void data_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_ACK | TCP_PSH);
	frame_payload(f, "GET / HTTP/1.0\r\n\r\n");
	frame_done(f);
}
static void data_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, PORT_IP, "198.18.0.11", IPPROTO_TCP, 63);
	frame_tcp(f, SNAT_FIRST, 8080, TCP_ACK | TCP_PSH);
	frame_payload(f, "GET / HTTP/1.0\r\n\r\n");
	frame_done(f);
}
static void vlan_data_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_vlan(f, 42, 0x0800);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_ACK);
	frame_done(f);
}
static void vlan_data_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_vlan(f, 42, 0x0800);
	frame_ipv4_ttl(f, PORT_IP, "198.18.0.11", IPPROTO_TCP, 63);
	frame_tcp(f, SNAT_FIRST, 8080, TCP_ACK);
	frame_done(f);
}
static void udp_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_UDP);
	frame_udp(f, 50000, 53);
	frame_payload(f, "query");
	frame_done(f);
}
static void udp_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, PORT_IP, "198.18.0.11", IPPROTO_UDP, 63);
	frame_udp(f, SNAT_FIRST + 1, 5353);
	frame_payload(f, "query");
	frame_done(f);
}
static void udp_from_backend(struct frame *f)
{
	frame_eth(f, PORT_MAC, B11_MAC);
	frame_ipv4(f, "198.18.0.11", PORT_IP, IPPROTO_UDP);
	frame_udp(f, 5353, SNAT_FIRST + 1);
	frame_payload(f, "answer!");
	frame_done(f);
}
static void udp_to_client(struct frame *f)
{
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4_ttl(f, VIP, CLIENT, IPPROTO_UDP, 63);
	frame_udp(f, 53, 50000);
	frame_payload(f, "answer!");
	frame_done(f);
}
static void udp_nocsum_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_UDP);
	frame_udp(f, 50001, 53);
	frame_payload(f, "no checksum");
	f->keep_udp_csum_zero = 1;
	frame_done(f);
}
static void udp_nocsum_to_backend(struct frame *f)
{
	frame_eth(f, B11_MAC, PORT_MAC);
	frame_ipv4_ttl(f, PORT_IP, "198.18.0.11", IPPROTO_UDP, 63);
	frame_udp(f, SNAT_FIRST + 2, 5353);
	frame_payload(f, "no checksum");
	f->keep_udp_csum_zero = 1;
	frame_done(f);
}
static void ping_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_ICMP);
	frame_icmp_echo(f, 8, 7, 1);
	frame_payload(f, "ping");
	frame_done(f);
}
static void pong_from_vip(struct frame *f)
{
	frame_eth(f, CLIENT_MAC, PORT_MAC);
	frame_ipv4(f, VIP, CLIENT, IPPROTO_ICMP);
	frame_icmp_echo(f, 0, 7, 1);
	frame_payload(f, "ping");
	frame_done(f);
}

/* Malformed and unwanted input. */
static void runt(struct frame *f) { put(f, PORT_MAC, 6); put(f, CLIENT_MAC, 4); }
static void truncated_ip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	put32(f, 0x45000054);
}
static void ip_version_5(struct frame *f)
{
	syn_to_vip(f);
	f->b[14] = 0x55;
}
static void ip_bad_checksum(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40001, 80, TCP_SYN);
	f->corrupt_ip_csum = 1;
	frame_done(f);
}
static void ip_length_beyond_frame(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40001, 80, TCP_SYN);
	f->keep_lengths = 1;
	set16(f->b + f->l3 + 2, 200);
	frame_done(f);
}
static void ip_ihl_too_small(struct frame *f)
{
	syn_to_vip(f);
	f->b[14] = 0x44;
}
static void tcp_offset_too_small(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40001, 80, TCP_SYN);
	f->b[f->l4 + 12] = 4 << 4;
	frame_done(f);
}
static void tcp_truncated(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	put32(f, 0x9c410050);
	frame_done(f);
}
static void udp_length_beyond_packet(struct frame *f)
{
	udp_to_vip(f);
	set16(f->b + f->l4 + 4, 400);
}
static void ip_fragment(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_UDP);
	frame_udp(f, 50000, 53);
	frame_payload(f, "a later fragment");
	f->b[f->l3 + 7] = 0x10;   /* offset 16 units, the last one: its first never came */
	frame_done(f);
}
static void ttl_one(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4_ttl(f, CLIENT, VIP, IPPROTO_TCP, 1);
	frame_tcp(f, 40002, 80, TCP_SYN);
	frame_done(f);
}
static void ipv6_frame(struct frame *f)
{
	frame_eth_type(f, PORT_MAC, CLIENT_MAC, 0x88b6);  /* local experimental 2 (the fleet has 1) */
	frame_payload(f, "not a protocol we speak");
}
static void other_mac(struct frame *f)
{
	frame_eth(f, OTHER_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void bad_arp(struct frame *f)
{
	frame_eth_type(f, BCAST_MAC, CLIENT_MAC, 0x0806);
	frame_arp(f, 1, CLIENT_MAC, CLIENT, ZERO_MAC, PORT_IP);
	f->b[14 + 4] = 8;  /* hardware address length */
}
static void no_such_port(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);
	frame_tcp(f, 40000, 81, TCP_SYN);
	frame_done(f);
}
static void reply_without_flow(struct frame *f)
{
	frame_eth(f, PORT_MAC, B11_MAC);
	frame_ipv4(f, "198.18.0.11", PORT_IP, IPPROTO_TCP);
	frame_tcp(f, 8080, 60000, TCP_SYN | TCP_ACK);
	frame_done(f);
}
static void syn_to_unresolved(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP_UNRESOLVED, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void syn_to_empty(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP_EMPTY, IPPROTO_TCP);
	frame_tcp(f, 40000, 80, TCP_SYN);
	frame_done(f);
}
static void sctp_without_chunk(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, IPPROTO_SCTP);
	put32(f, 0x0e100050);
	put32(f, 0);
	put32(f, 0);
	frame_done(f);
}
static void gre_to_vip(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, CLIENT, VIP, 47);
	put32(f, 0x00000800);
	frame_done(f);
}

/* Martian sources (RFC 1812 5.3.7): a SYN to a VIP's service from each, never forwarded. */
#define SYN_FROM(name, src, dst)                                        \
	static void name(struct frame *f)                               \
	{                                                               \
		frame_eth(f, PORT_MAC, CLIENT_MAC);                     \
		frame_ipv4(f, src, dst, IPPROTO_TCP);                   \
		frame_tcp(f, 40100, 80, TCP_SYN);                       \
		frame_done(f);                                          \
	}
SYN_FROM(syn_from_zero, "0.0.0.0", VIP)
SYN_FROM(syn_from_this_network, "0.1.2.3", VIP)
SYN_FROM(syn_from_loopback, "127.0.0.1", VIP)
SYN_FROM(syn_from_multicast, "224.0.0.1", VIP)
SYN_FROM(syn_from_ssdp_multicast, "239.255.255.250", VIP)
SYN_FROM(syn_from_class_e, "240.0.0.1", VIP)
SYN_FROM(syn_from_broadcast, "255.255.255.255", VIP)
SYN_FROM(syn_from_subnet_broadcast, "198.18.0.255", VIP)
SYN_FROM(syn_from_other_vip, VIP3, VIP)
SYN_FROM(syn_from_port_address, PORT_IP, VIP)
SYN_FROM(syn_land, VIP, VIP)
SYN_FROM(syn_land_port, PORT_IP, PORT_IP)
static void udp_from_multicast(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, "224.0.0.251", VIP, IPPROTO_UDP);
	frame_udp(f, 5353, 53);
	frame_done(f);
}
static void ping_from_broadcast(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, "255.255.255.255", VIP, IPPROTO_ICMP);
	frame_icmp_echo(f, 8, 7, 2);
	frame_done(f);
}
static void ping_land(struct frame *f)
{
	frame_eth(f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(f, VIP, VIP, IPPROTO_ICMP);
	frame_icmp_echo(f, 8, 7, 3);
	frame_done(f);
}
static void unreachable_from_loopback(struct frame *f)
{
	frame_eth(f, PORT_MAC, B11_MAC);
	frame_ipv4(f, "127.0.0.1", PORT_IP, IPPROTO_ICMP);
	put8(f, 3);
	put8(f, 3);
	put32(f, 0);
	put16(f, 0);
	struct frame sent = frame_new();
	syn_to_backend(&sent);
	frame_bytes(f, sent.b + 14, 28);
	frame_done(f);
}

/* IPv4 options that cannot be walked (RFC 791). */
#define SYN_WITH_OPTIONS(name, ...)                                     \
	static void name(struct frame *f)                               \
	{                                                               \
		static const uint8_t opts[] = { __VA_ARGS__ };          \
		frame_eth(f, PORT_MAC, CLIENT_MAC);                     \
		frame_ipv4(f, CLIENT, VIP, IPPROTO_TCP);                \
		frame_ipv4_options(f, opts, sizeof(opts));              \
		frame_tcp(f, 40300, 80, TCP_SYN);                       \
		frame_done(f);                                          \
	}
SYN_WITH_OPTIONS(option_length_0, 7, 0, 0, 0)
SYN_WITH_OPTIONS(option_length_1, 68, 1, 0, 0)
SYN_WITH_OPTIONS(option_past_the_header, 1, 7, 39, 4)
SYN_WITH_OPTIONS(option_without_its_length, 1, 1, 1, 7)
SYN_WITH_OPTIONS(option_past_the_header_after_a_valid_one, 7, 7, 4, 0, 0, 0, 0, 1, 130, 12, 0, 0)

/* ---------------------------------------------------------------- the table */


static const struct packet_case cases[] = {
	{ "ARP request for the port address is answered", arp_request_for_port, SENT, arp_reply_from_port },
	{ "ARP request for a VIP is answered", arp_request_for_vip, SENT, arp_reply_for_vip },
	{ "ARP request for another host is dropped", arp_request_for_other, DROPPED, NULL, DROP_NOT_FOR_US },
	{ "ARP reply from backend .11 is learnt", arp_reply_b11, CONSUMED },
	{ "ARP reply from backend .12 is learnt", arp_reply_b12, CONSUMED },
	{ "ARP reply from backend .13 is learnt", arp_reply_b13, CONSUMED },
	{ "full NAT forward: SYN to the VIP goes to the backend from the SNAT address", syn_to_vip, SENT, syn_to_backend },
	{ "full NAT reverse: SYN-ACK comes back from the VIP to the client", synack_from_backend, SENT, synack_to_client },
	{ "full NAT forward: data follows the flow", data_to_vip, SENT, data_to_backend },
	{ "802.1Q tagged data keeps its tag", vlan_data_to_vip, SENT, vlan_data_to_backend },
	{ "UDP forward with checksum", udp_to_vip, SENT, udp_to_backend },
	{ "UDP reverse", udp_from_backend, SENT, udp_to_client },
	{ "UDP without checksum stays without", udp_nocsum_to_vip, SENT, udp_nocsum_to_backend },
	{ "ICMP echo to a VIP is answered", ping_vip, SENT, pong_from_vip },
	{ "runt frame", runt, DROPPED, NULL, DROP_TOO_SHORT },
	{ "truncated IPv4 header", truncated_ip, DROPPED, NULL, DROP_TOO_SHORT },
	{ "IP version 5", ip_version_5, DROPPED, NULL, DROP_BAD_IP_VERSION },
	{ "IPv4 header checksum wrong", ip_bad_checksum, DROPPED, NULL, DROP_BAD_IP_CHECKSUM },
	{ "IPv4 total length beyond the frame", ip_length_beyond_frame, DROPPED, NULL, DROP_BAD_IP_HEADER },
	{ "IPv4 header length below 20", ip_ihl_too_small, DROPPED, NULL, DROP_BAD_IP_HEADER },
	{ "TCP data offset below 5", tcp_offset_too_small, DROPPED, NULL, DROP_BAD_L4_HEADER },
	{ "TCP header truncated", tcp_truncated, DROPPED, NULL, DROP_BAD_L4_HEADER },
	{ "UDP length beyond the packet", udp_length_beyond_packet, DROPPED, NULL, DROP_BAD_L4_HEADER },
	{ "IPv4 fragment whose first fragment never came", ip_fragment, DROPPED, NULL, DROP_FRAGMENT_WITHOUT_FIRST },
	{ "TTL 1", ttl_one, DROPPED, NULL, DROP_TTL_EXCEEDED },
	{ "unknown ethertype", ipv6_frame, DROPPED, NULL, DROP_BAD_ETHERTYPE },
	{ "frame for another MAC", other_mac, DROPPED, NULL, DROP_NOT_FOR_US },
	{ "malformed ARP", bad_arp, DROPPED, NULL, DROP_BAD_ARP },
	{ "no service on that port", no_such_port, DROPPED, NULL, DROP_NO_SERVICE },
	{ "reply without a flow", reply_without_flow, DROPPED, NULL, DROP_NO_FLOW },
	{ "backend whose MAC is unknown", syn_to_unresolved, DROPPED, NULL, DROP_NEIGH_UNRESOLVED },
	{ "service without backends", syn_to_empty, DROPPED, NULL, DROP_NO_BACKEND },
	{ "SCTP without a chunk", sctp_without_chunk, DROPPED, NULL, DROP_BAD_L4_HEADER },
	{ "GRE (no such service protocol)", gre_to_vip, DROPPED, NULL, DROP_UNSUPPORTED_PROTO },
	{ "IPv4 option of length 0", option_length_0, DROPPED, NULL, DROP_BAD_IP_OPTIONS },
	{ "IPv4 option of length 1", option_length_1, DROPPED, NULL, DROP_BAD_IP_OPTIONS },
	{ "IPv4 option running past the header", option_past_the_header, DROPPED, NULL, DROP_BAD_IP_OPTIONS },
	{ "IPv4 option whose length byte is missing", option_without_its_length, DROPPED, NULL, DROP_BAD_IP_OPTIONS },
	{ "IPv4 option past the header after a valid one", option_past_the_header_after_a_valid_one, DROPPED, NULL,
	  DROP_BAD_IP_OPTIONS },
	{ "martian: SYN from 0.0.0.0", syn_from_zero, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from 0/8 (this network)", syn_from_this_network, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from 127.0.0.1", syn_from_loopback, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from 224.0.0.1", syn_from_multicast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from 239.255.255.250", syn_from_ssdp_multicast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from 240.0.0.1 (reserved)", syn_from_class_e, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from 255.255.255.255", syn_from_broadcast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from the port subnet's broadcast", syn_from_subnet_broadcast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from another VIP", syn_from_other_vip, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: SYN from the port's own address", syn_from_port_address, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: land SYN (source = destination = VIP) gets no SYN-ACK", syn_land, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: land SYN to the port's address", syn_land_port, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: UDP from 224.0.0.251", udp_from_multicast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: ping from 255.255.255.255 is not answered", ping_from_broadcast, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: land ping (VIP to VIP) is not answered", ping_land, DROPPED, NULL, DROP_MARTIAN_SOURCE },
	{ "martian: ICMP error from 127.0.0.1 is not translated", unreachable_from_loopback, DROPPED, NULL, DROP_MARTIAN_SOURCE },
};


/* ---------------------------------------------------------------- flows across commits */

static int backend_octet_of(const struct outcome *o)
{
	return o->port == 0 ? o->out.b[14 + 19] : -1;   /* last byte of the IPv4 destination */
}

static struct frame syn_from(uint16_t sport)
{
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, CLIENT, VIP3, IPPROTO_TCP);
	frame_tcp(&f, sport, 80, TCP_SYN);
	frame_done(&f);
	return f;
}

/* Flows keep their backend when one is added; only flows of a removed backend move. */
static void flows_survive_commits(void)
{
	enum { N = 60 };
	int first[N], counts[256] = { 0 };
	for (int i = 0; i < N; i++) {
		struct frame f = syn_from((uint16_t)(30000 + i));
		struct outcome o = push(&f);
		first[i] = backend_octet_of(&o);
		counts[first[i] & 0xff]++;
	}
	CHECK(counts[11] > 0 && counts[12] > 0 && counts[13] > 0,
	      "Maglev spreads 60 flows over all three backends (%d/%d/%d)", counts[11], counts[12], counts[13]);

	commit(14, 0);   /* add .14: it has no MAC yet, so a flow moved there would be dropped */
	int kept = 0;
	for (int i = 0; i < N; i++) {
		struct frame f = syn_from((uint16_t)(30000 + i));
		struct outcome o = push(&f);
		kept += backend_octet_of(&o) == first[i];
	}
	CHECK(kept == N, "after adding a backend every flow keeps its backend (%d of %d)", kept, N);

	uint64_t rescheduled = test_worker->cnt.event[EV_FLOWS_RESCHEDULED];
	commit(0, 11);   /* remove .11 */
	int moved = 0, stayed = 0;
	for (int i = 0; i < N; i++) {
		struct frame f = syn_from((uint16_t)(30000 + i));
		struct outcome o = push(&f);
		int now = backend_octet_of(&o);
		if (first[i] == 11)
			moved += now == 12 || now == 13;
		else
			stayed += now == first[i];
		CHECK(o.leaked == 0, "no leak across commits");
	}
	CHECK(moved == counts[11], "flows of the removed backend move to another (%d of %d)", moved, counts[11]);
	CHECK(stayed == N - counts[11], "other flows stay (%d of %d)", stayed, N - counts[11]);
	CHECK(test_worker->cnt.event[EV_FLOWS_RESCHEDULED] - rescheduled == (uint64_t)counts[11],
	      "rescheduled flows are counted");
}

static struct gfwd_service_traffic svc_traffic[8];
static struct gfwd_backend_traffic be_traffic[16];

static void read_traffic(void)
{
	int n = gfwd_traffic_read(svc_traffic, 8, be_traffic, 16);
	CHECK(n == 5, "five services (%d: %s)", n, gfwd_last_error());
}

/* The table above sent 4 packets each way... of the TCP flow to VIP:80 (SYN, SYN-ACK, data,
 * tagged data) and 2 of the UDP flow, plus one UDP flow without checksum. */
static void traffic_counted_per_service_and_backend(void)
{
	read_traffic();
	CHECK(svc_traffic[0].port == 80 && svc_traffic[0].proto == IPPROTO_TCP, "service 0 is VIP:80/TCP");
	CHECK(svc_traffic[0].packets == 4, "VIP:80 packets both ways (%lu)", (unsigned long)svc_traffic[0].packets);
	CHECK(svc_traffic[0].new_flows == 1 && svc_traffic[0].active_flows == 1, "one flow, active");
	CHECK(svc_traffic[0].bytes == 54 + 54 + 72 + 58, "VIP:80 bytes (%lu)", (unsigned long)svc_traffic[0].bytes);
	CHECK(be_traffic[svc_traffic[0].first_backend].packets == 4, "its backend saw the same packets");
	CHECK(svc_traffic[1].packets == 3 && svc_traffic[1].new_flows == 2, "VIP:53/UDP: 3 packets, 2 flows (%lu, %lu)",
	      (unsigned long)svc_traffic[1].packets, (unsigned long)svc_traffic[1].new_flows);

	commit(0, 0);   /* same services: counters carry over */
	read_traffic();
	CHECK(svc_traffic[0].packets == 4 && svc_traffic[0].active_flows == 1, "counters survive a commit (%lu)",
	      (unsigned long)svc_traffic[0].packets);
}

/* After the flows of a removed backend moved, the active counts follow them. */
static void active_flows_follow_rescheduling(void)
{
	read_traffic();
	const struct gfwd_service_traffic *s = &svc_traffic[3];
	uint64_t sum = 0;
	for (uint32_t j = 0; j < s->n_backends; j++)
		sum += be_traffic[s->first_backend + j].active_flows;
	CHECK(s->n_backends == 2 && s->active_flows == 60 && sum == 60,
	      "60 flows on the two remaining backends (%u backends, %lu service, %lu backends)",
	      s->n_backends, (unsigned long)s->active_flows, (unsigned long)sum);
}

/* Timeouts by state: a SYN-only flow lives 30 s, an established one 900 s, a closing one
 * 10 s, UDP 60 s. A reply after the timeout finds no flow. */
static int reply_after(uint16_t cport, uint8_t proto, uint8_t close_flags, uint32_t wait)
{
	const char *vip = proto == IPPROTO_TCP ? VIP3 : VIP;   /* VIP has the UDP service */
	uint16_t vport = proto == IPPROTO_TCP ? 80 : 53, bport = proto == IPPROTO_TCP ? 8080 : 5353;
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, CLIENT, vip, proto);
	if (proto == IPPROTO_TCP)
		frame_tcp(&f, cport, vport, TCP_SYN);
	else
		frame_udp(&f, cport, vport);
	frame_done(&f);
	struct outcome o = push(&f);
	if (o.port != 0)
		return -1;
	uint16_t snat = get16(o.out.b + 14 + 20);
	uint8_t backend = o.out.b[14 + 19];
	if (close_flags) {   /* the client's next segment: ACK (established) or FIN (closing) */
		f = frame_new();
		frame_eth(&f, PORT_MAC, CLIENT_MAC);
		frame_ipv4(&f, CLIENT, vip, proto);
		frame_tcp(&f, cport, vport, close_flags);
		frame_done(&f);
		push(&f);
	}
	clock_skew += wait;
	char ip[20];
	snprintf(ip, sizeof(ip), "198.18.0.%u", backend);
	f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, ip, PORT_IP, proto);
	if (proto == IPPROTO_TCP)
		frame_tcp(&f, bport, snat, TCP_ACK);
	else
		frame_udp(&f, bport, snat);
	frame_done(&f);
	o = push(&f);
	clock_skew -= wait;
	return o.port == 0;
}

static void timeouts_by_state(void)
{
	CHECK(reply_after(61000, IPPROTO_TCP, 0, 29) == 1, "a SYN-only flow is alive at 29 s");
	CHECK(reply_after(61001, IPPROTO_TCP, 0, 31) == 0, "and gone at 31 s");
	CHECK(reply_after(61002, IPPROTO_TCP, TCP_ACK, 800) == 1, "an established flow is alive at 800 s");
	CHECK(reply_after(61003, IPPROTO_TCP, TCP_ACK | TCP_FIN, 11) == 0, "a closing flow is gone at 11 s");
	CHECK(reply_after(61004, IPPROTO_TCP, TCP_ACK | TCP_FIN, 9) == 1, "but alive at 9 s");
	CHECK(reply_after(61005, IPPROTO_UDP, 0, 59) == 1, "a UDP flow is alive at 59 s");
	CHECK(reply_after(61006, IPPROTO_UDP, 0, 61) == 0, "and gone at 61 s");
}

static void stale_commit_rejected(void)
{
	int rc = gfwd_commit(commit_seq, NULL, 0, NULL, 0, NULL, 0);
	CHECK(rc == -ESTALE, "a commit not newer than the running one is refused (rc %d)", rc);
	rc = gfwd_commit(commit_seq + 1, NULL, 3, NULL, 0, NULL, 0);
	CHECK(rc == -EINVAL && strstr(gfwd_last_error(), "null array") != NULL,
	      "a call with a null array is refused as a whole (rc %d: %s)", rc, gfwd_last_error());
	CHECK(gfwd_commit_seq() == commit_seq, "a refused commit leaves the running config");
}

static struct outcome syn_to(const char *vip, uint16_t sport)
{
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, CLIENT, vip, IPPROTO_TCP);
	frame_tcp(&f, sport, 80, TCP_SYN);
	frame_done(&f);
	return push(&f);
}

/* "service 3": an array index, which a user cannot find anything by. */
static int names_an_index(const char *reason)
{
	for (const char *p = reason; (p = strstr(p, "service ")) != NULL; p++)
		if (p[8] >= '0' && p[8] <= '9')
			return 1;
	return 0;
}

/* Martian checks stop at martians: the subnet's last host is no broadcast address. */
static void last_host_is_served(void)
{
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, "198.18.0.254", VIP, IPPROTO_TCP);
	frame_tcp(&f, 40100, 80, TCP_SYN);
	frame_done(&f);
	struct outcome o = push(&f);
	CHECK(o.port == 0 && o.out.b[14 + 19] == 11, "198.18.0.254 is served (port %d, drop %d)", o.port, o.drop);
}

/* Valid options (no-operation, record route, end of list and padding) pass and are kept. */
static void valid_options_forwarded(void)
{
	static const uint8_t opts[] = { 1, 7, 7, 4, 0, 0, 0, 0, 0, 0xee, 0xee, 0xee };
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, CLIENT, VIP, IPPROTO_TCP);
	frame_ipv4_options(&f, opts, sizeof(opts));
	frame_tcp(&f, 40301, 80, TCP_SYN);
	frame_done(&f);
	struct outcome o = push(&f);
	CHECK(o.port == 0 && o.out.b[14] == 0x48 && memcmp(o.out.b + 14 + 20, opts, sizeof(opts)) == 0,
	      "forwarded with its options (port %d, drop %d)", o.port, o.drop);
	CHECK(o.port == 0 && frame_checksums_ok(o.out.b, o.out.len, 14, 14 + 32), "checksums right after NAT");
}

/* Bad services among good ones: each bad one is refused on its own, named by VIP, port and
 * protocol with the reason; every good one runs. */
static void bad_services_refused_alone(void)
{
	struct gfwd_backend b[] = { backend("198.18.0.11", 8080), backend("198.19.5.5", 80), backend("198.18.0.12", 80) };
	struct gfwd_service dsr = service("198.18.0.204", IPPROTO_TCP, 80, 0, 1);
	dsr.mode = GFWD_MODE_DSR;
	struct gfwd_service six = service("198.18.0.207", IPPROTO_TCP, 80, 0, 1);
	six.family = GFWD_AF_INET6;
	struct gfwd_service s[] = {
		service("198.18.0.205", IPPROTO_TCP, 80, 0, 1),   /* good */
		dsr,                                              /* DSR translating 80 to 8080 */
		service("198.18.0.206", IPPROTO_TCP, 80, 1, 1),   /* no route to 198.19.5.5 */
		service("198.18.0.205", IPPROTO_TCP, 80, 2, 1),   /* the first one again */
		service("198.18.0.208", IPPROTO_UDP, 53, 5, 1),   /* outside the backend array */
		six,                                              /* IPv4 backends for an IPv6 VIP */
		service(VIP, IPPROTO_TCP, 80, 0, 1),              /* good */
	};
	struct gfwd_refusal r[8];
	memset(r, 0, sizeof(r));
	uint64_t g = ++commit_seq;
	int rc = gfwd_commit(g, s, 7, b, 3, r, 8);
	CHECK(rc == 5, "five of seven services refused (rc %d: %s)", rc, rc < 0 ? gfwd_last_error() : "");
	CHECK(gfwd_commit_seq() == g, "the commit ran (commit %lu)", (unsigned long)gfwd_commit_seq());
	static const struct { uint32_t service; int error; const char *reason; } want[] = {
		{ 1, -EINVAL, "198.18.0.204:80/TCP: DSR cannot translate ports: backend 198.18.0.11:8080 must listen on 80" },
		{ 2, -EHOSTUNREACH, "198.18.0.206:80/TCP: no route to backend 198.19.5.5:80" },
		{ 3, -EINVAL, "198.18.0.205:80/TCP: another service has the same VIP, port and protocol" },
		{ 4, -EINVAL, "198.18.0.208:53/UDP: backend range [5, +1) is outside the backend array of 3" },
		{ 5, -EINVAL, "is not IPv6 like the VIP" },
	};
	for (int i = 0; i < 5 && rc == 5; i++) {
		CHECK(r[i].service == want[i].service && r[i].error == want[i].error &&
		      strstr(r[i].reason, want[i].reason) != NULL && !names_an_index(r[i].reason),
		      "refusal %d: service %u, error %d: %s", i, r[i].service, r[i].error, r[i].reason);
	}
	uint32_t n_svc, n_be;
	gfwd_traffic_sizes(&n_svc, &n_be);
	CHECK(n_svc == 2 && n_be == 2, "the two good services run (%u services, %u backends)", n_svc, n_be);
	struct outcome o = syn_to("198.18.0.205", 45000);
	CHECK(o.port == 0 && o.out.b[14 + 19] == 11, "a good service forwards (port %d, drop %d)", o.port, o.drop);
	o = syn_to(VIP, 45001);
	CHECK(o.port == 0, "so does the other one (port %d, drop %d)", o.port, o.drop);
	o = syn_to("198.18.0.204", 45002);
	CHECK(o.port < 0 && o.drop == DROP_NO_SERVICE, "a refused one does not (port %d, drop %d)", o.port, o.drop);
	o = syn_to("198.18.0.206", 45003);
	CHECK(o.port < 0 && o.drop == DROP_NO_SERVICE, "nor the unroutable one (port %d, drop %d)", o.port, o.drop);

	rc = gfwd_commit(++commit_seq, s, 7, b, 3, r, 2);
	CHECK(rc == 5 && r[1].service == 2, "a short refusal array gets the first ones, the count is all (%d)", rc);
	rc = gfwd_commit(++commit_seq, s, 7, b, 3, NULL, 0);
	CHECK(rc == 5 && gfwd_commit_seq() == commit_seq, "without one the count still comes back (%d)", rc);
}

/* Defaults are resolved by the operator: a zero table size or weight is refused on its own,
 * naming the service and what to write, never quietly replaced. */
static void zero_size_or_weight_refused(void)
{
	struct gfwd_backend b[] = { backend("198.18.0.11", 8080), backend("198.18.0.12", 8080) };
	b[1].weight = 0;
	struct gfwd_service no_size = service("198.18.0.205", IPPROTO_TCP, 80, 0, 1);
	no_size.maglev_size = 0;
	struct gfwd_service s[] = {
		no_size,
		service("198.18.0.206", IPPROTO_TCP, 80, 0, 2),   /* .12 has weight 0 */
		service(VIP, IPPROTO_TCP, 80, 0, 1),              /* good */
	};
	struct gfwd_refusal r[4];
	memset(r, 0, sizeof(r));
	int rc = gfwd_commit(++commit_seq, s, 3, b, 2, r, 4);
	CHECK(rc == 2, "two of three services refused (rc %d: %s)", rc, rc < 0 ? gfwd_last_error() : "");
	CHECK(rc == 2 && r[0].service == 0 && r[0].error == -EINVAL &&
	      strstr(r[0].reason, "198.18.0.205:80/TCP: Maglev table size 0: give a prime") != NULL,
	      "a zero table size is refused: %s", r[0].reason);
	CHECK(rc == 2 && r[1].service == 1 && r[1].error == -EINVAL &&
	      strstr(r[1].reason, "198.18.0.206:80/TCP: backend 198.18.0.12:8080 has weight 0: give it a weight of 1") != NULL,
	      "a zero weight is refused: %s", r[1].reason);
	struct outcome o = syn_to("198.18.0.205", 45100);
	CHECK(o.port < 0 && o.drop == DROP_NO_SERVICE, "the service without a size does not run (port %d, drop %d)",
	      o.port, o.drop);
	o = syn_to(VIP, 45101);
	CHECK(o.port == 0, "the good one does (port %d, drop %d)", o.port, o.drop);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	commit(0, 0);
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
	traffic_counted_per_service_and_backend();
	flows_survive_commits();
	active_flows_follow_rescheduling();
	timeouts_by_state();
	stale_commit_rejected();
	last_host_is_served();
	valid_options_forwarded();
	bad_services_refused_alone();
	zero_size_or_weight_refused();
	return report("test_pipeline");
}
