/* SPDX-License-Identifier: Apache-2.0
 * Builds test frames header by header, then fixes lengths and computes every checksum
 * from scratch, so expected outputs never share code with the NAT's incremental updates:
 *
 *   struct frame f = frame_new();
 *   frame_eth(&f, BACKEND_MAC, PORT_MAC);
 *   frame_ipv4(&f, "198.18.0.2", "198.18.0.11", IPPROTO_TCP);
 *   frame_tcp(&f, 1024, 8080, TCP_SYN);
 *   frame_done(&f);
 */
#ifndef GFWD_TEST_FRAME_H
#define GFWD_TEST_FRAME_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

struct frame {
	uint8_t b[2048];
	uint16_t len;
	int16_t l3;             /* offset of the (inner) IP header, -1 if none */
	int16_t l4;
	int16_t outer_l3;       /* offset of an IP-in-IP outer header, -1 if none */
	uint8_t family;         /* 4 or 6 */
	uint8_t proto;
	int corrupt_ip_csum;    /* leave a wrong IP checksum */
	int keep_udp_csum_zero;
	int keep_lengths;       /* do not fix IP total length (malformed input) */
};

static inline struct frame frame_new(void)
{
	struct frame f;
	memset(&f, 0, sizeof(f));
	f.l3 = f.l4 = f.outer_l3 = -1;
	return f;
}

static inline void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len = (uint16_t)(f->len + n);
}

static inline void put8(struct frame *f, uint8_t v) { put(f, &v, 1); }
static inline void put16(struct frame *f, uint16_t v) { v = htons(v); put(f, &v, 2); }
static inline void put32(struct frame *f, uint32_t v) { v = htonl(v); put(f, &v, 4); }
static inline void put_ip(struct frame *f, const char *ip)
{
	struct in_addr a;
	inet_pton(AF_INET, ip, &a);
	put(f, &a, 4);
}

static inline void frame_eth_type(struct frame *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	put(f, dst, 6);
	put(f, src, 6);
	put16(f, type);
}

static inline void frame_eth(struct frame *f, const uint8_t dst[6], const uint8_t src[6])
{
	frame_eth_type(f, dst, src, 0x0800);
}

static inline void frame_vlan(struct frame *f, uint16_t tci, uint16_t inner_type)
{
	f->len -= 2;            /* replace the Ethernet type with the 802.1Q tag */
	put16(f, 0x8100);
	put16(f, tci);
	put16(f, inner_type);
}

static inline void frame_arp(struct frame *f, uint16_t op, const uint8_t sha[6], const char *sip,
			     const uint8_t tha[6], const char *tip)
{
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, sha, 6);
	put_ip(f, sip);
	put(f, tha, 6);
	put_ip(f, tip);
}

static inline void put_ip6(struct frame *f, const char *ip)
{
	struct in6_addr a;
	inet_pton(AF_INET6, ip, &a);
	put(f, &a, 16);
}

static inline void frame_ipv4_ttl(struct frame *f, const char *src, const char *dst, uint8_t proto, uint8_t ttl)
{
	f->family = 4;
	f->l3 = (int16_t)f->len;
	f->proto = proto;
	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);            /* total length: frame_done() */
	put16(f, 0x1234);
	put16(f, 0x4000);       /* DF */
	put8(f, ttl);
	put8(f, proto);
	put16(f, 0);            /* checksum: frame_done() */
	put_ip(f, src);
	put_ip(f, dst);
	f->l4 = (int16_t)f->len;
}

static inline void frame_ipv4(struct frame *f, const char *src, const char *dst, uint8_t proto)
{
	frame_ipv4_ttl(f, src, dst, proto, 64);
}

/* IPv4 options after the header just built (n a multiple of 4): the header grows to hold
 * them, and L4 follows them. */
static inline void frame_ipv4_options(struct frame *f, const uint8_t *opts, size_t n)
{
	f->b[f->l3] = (uint8_t)(0x40 | (5 + n / 4));
	put(f, opts, n);
	f->l4 = (int16_t)f->len;
}

static inline void frame_ipv6_hop(struct frame *f, const char *src, const char *dst, uint8_t next, uint8_t hop)
{
	f->family = 6;
	f->l3 = (int16_t)f->len;
	f->proto = next;
	put32(f, 0x60000000);
	put16(f, 0);            /* payload length: frame_done() */
	put8(f, next);
	put8(f, hop);
	put_ip6(f, src);
	put_ip6(f, dst);
	f->l4 = (int16_t)f->len;
}

static inline void frame_ipv6(struct frame *f, const char *src, const char *dst, uint8_t next)
{
	frame_ipv6_hop(f, src, dst, next, 64);
}

/* An extension header (hop-by-hop or destination options, 8 bytes of padding) before
 * the upper layer: the L4 header moves, the protocol is the extension's `next`. */
static inline void frame_ipv6_ext(struct frame *f, uint8_t type, uint8_t next)
{
	f->b[f->l3 + 6] = type;   /* the IPv6 header's next header */
	put8(f, next);
	put8(f, 0);
	put8(f, 1);               /* PadN option covering the rest */
	put8(f, 4);
	put32(f, 0);
	f->proto = next;
	f->l4 = (int16_t)f->len;
}

/* The outer header of IP-in-IP; the inner IP header follows. */
static inline void frame_outer_ipv4(struct frame *f, const char *src, const char *dst)
{
	f->outer_l3 = (int16_t)f->len;
	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);
	put16(f, 0);
	put16(f, 0x4000);       /* DF, copied from the inner header */
	put8(f, 64);
	put8(f, 4);             /* IPPROTO_IPIP */
	put16(f, 0);
	put_ip(f, src);
	put_ip(f, dst);
}

static inline void frame_outer_ipv6(struct frame *f, const char *src, const char *dst)
{
	f->outer_l3 = (int16_t)f->len;
	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, 41);            /* IPPROTO_IPV6 */
	put8(f, 64);
	put_ip6(f, src);
	put_ip6(f, dst);
}

static inline void frame_tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, 0x01020304);   /* seq */
	put32(f, flags & TCP_ACK ? 0x0a0b0c0d : 0);
	put8(f, 5 << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);            /* checksum */
	put16(f, 0);
}

static inline void frame_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);            /* length */
	put16(f, 0);            /* checksum */
}

static inline void frame_sctp(struct frame *f, uint16_t sport, uint16_t dport, uint32_t vtag, uint8_t chunk)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, vtag);
	put32(f, 0);            /* CRC32c: frame_done() */
	put8(f, chunk);         /* one chunk: type, flags, length 8, 4 bytes of value */
	put8(f, 0);
	put16(f, 8);
	put32(f, 0x11223344);
}

static inline void frame_icmp_echo(struct frame *f, uint8_t type, uint16_t id, uint16_t seq)
{
	put8(f, type);
	put8(f, 0);
	put16(f, 0);
	put16(f, id);
	put16(f, seq);
}

/* A neighbour solicitation (135) or advertisement (136) with one link-layer option. */
static inline void frame_nd(struct frame *f, uint8_t type, uint8_t flags, const char *target,
			    uint8_t opt_type, const uint8_t mac[6])
{
	put8(f, type);
	put8(f, 0);
	put16(f, 0);
	put8(f, flags);
	put8(f, 0);
	put16(f, 0);
	put_ip6(f, target);
	if (opt_type != 0) {
		put8(f, opt_type);
		put8(f, 1);
		put(f, mac, 6);
	}
}

static inline void frame_bytes(struct frame *f, const void *p, size_t n)
{
	put(f, p, n);
}

static inline void frame_payload(struct frame *f, const char *text)
{
	put(f, text, strlen(text));
}

static inline uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static inline uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static inline void set16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* L4 checksum over the pseudo header and segment, as the receiving host verifies it. */
static inline uint16_t l4_sum(const struct frame *f)
{
	const uint8_t *ip = f->b + f->l3;
	uint16_t l4_len = (uint16_t)(f->len - f->l4);
	uint32_t s = f->family == 6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);
	s += f->proto;
	s += l4_len;
	return fold(sum16(f->b + f->l4, l4_len, s));
}

/* CRC32c, bit by bit (reflected polynomial 0x82F63B78): slow and independent of the data
 * plane's table-free instruction version. */
static inline uint32_t crc32c_bitwise(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

static inline void sctp_checksum_set(uint8_t *sctp, size_t n)
{
	memset(sctp + 8, 0, 4);
	uint32_t crc = crc32c_bitwise(sctp, n);
	memcpy(sctp + 8, &crc, 4);   /* little-endian on the wire (RFC 4960 appendix B) */
}

static inline void frame_done(struct frame *f)
{
	if (f->l3 < 0)
		return;
	uint8_t *ip = f->b + f->l3;
	if (f->family == 6) {
		if (!f->keep_lengths)
			set16(ip + 4, (uint16_t)(f->len - f->l3 - 40));
	} else {
		if (!f->keep_lengths)
			set16(ip + 2, (uint16_t)(f->len - f->l3));
		set16(ip + 10, 0);
		set16(ip + 10, (uint16_t)~fold(sum16(ip, (size_t)(ip[0] & 0xf) * 4, 0)) ^ (f->corrupt_ip_csum ? 0x5555 : 0));
	}
	if (f->outer_l3 >= 0) {
		uint8_t *o = f->b + f->outer_l3;
		if (f->family == 6) {
			set16(o + 4, (uint16_t)(f->len - f->outer_l3 - 40));
		} else {
			set16(o + 2, (uint16_t)(f->len - f->outer_l3));
			set16(o + 10, 0);
			set16(o + 10, (uint16_t)~fold(sum16(o, 20, 0)));
		}
	}
	uint8_t *l4 = f->b + f->l4;
	if (f->proto == IPPROTO_TCP) {
		set16(l4 + 16, 0);
		set16(l4 + 16, (uint16_t)~l4_sum(f));
	} else if (f->proto == IPPROTO_UDP) {
		set16(l4 + 4, (uint16_t)(f->len - f->l4));
		set16(l4 + 6, 0);
		if (!f->keep_udp_csum_zero) {
			uint16_t c = (uint16_t)~l4_sum(f);
			set16(l4 + 6, c ? c : 0xffff);
		}
	} else if (f->proto == IPPROTO_ICMP) {
		set16(l4 + 2, 0);
		set16(l4 + 2, (uint16_t)~fold(sum16(l4, (size_t)(f->len - f->l4), 0)));
	} else if (f->proto == IPPROTO_ICMPV6) {
		set16(l4 + 2, 0);
		set16(l4 + 2, (uint16_t)~l4_sum(f));
	} else if (f->proto == IPPROTO_SCTP) {
		sctp_checksum_set(l4, (size_t)(f->len - f->l4));
	}
}

/* Verifies a received frame's checksums the way a host would; 1 if all are right. l3
 * and l4 are where the (inner) IP and L4 headers are. */
static inline int frame_checksums_ok(const uint8_t *b, uint16_t len, int l3, int l4)
{
	struct frame f = frame_new();
	memcpy(f.b, b, len);
	f.len = len;
	f.l3 = (int16_t)l3;
	f.l4 = (int16_t)l4;
	f.family = (uint8_t)(b[l3] >> 4);
	if (f.family == 4) {
		f.proto = b[l3 + 9];
		if (fold(sum16(b + l3, (size_t)(b[l3] & 0xf) * 4, 0)) != 0xffff)
			return 0;
	} else {
		f.proto = b[l3 + 6];
		if (l4 != l3 + 40)
			f.proto = b[l3 + 40];   /* one extension header in these tests */
	}
	if (f.proto == IPPROTO_UDP && f.family == 4 && get16(b + f.l4 + 6) == 0)
		return 1;
	if (f.proto == IPPROTO_TCP || f.proto == IPPROTO_UDP || f.proto == IPPROTO_ICMPV6)
		return l4_sum(&f) == 0xffff;
	if (f.proto == IPPROTO_ICMP)
		return fold(sum16(b + f.l4, (size_t)(len - f.l4), 0)) == 0xffff;
	if (f.proto == IPPROTO_SCTP) {
		uint32_t got, want;
		uint8_t copy[2048];
		memcpy(copy, b + f.l4, (size_t)(len - f.l4));
		memcpy(&got, copy + 8, 4);
		memset(copy + 8, 0, 4);
		want = crc32c_bitwise(copy, (size_t)(len - f.l4));
		return got == want;
	}
	return 1;
}

#endif
