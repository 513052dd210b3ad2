/* SPDX-License-Identifier: Apache-2.0
 * Every checksum the fast path computes or checks. Mostly incremental Internet checksum
 * updates (RFC 1624, eqn. 3): HC' = ~(~HC + ~m + m'), as NAT changes a few 16/32-bit words
 * and recomputing over the payload would cost per byte; whole sums only for messages the
 * forwarder writes itself (ICMP), and SCTP's CRC32c. */
#ifndef GFWD_CSUM_H
#define GFWD_CSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>

static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* An IPv4 header summed with its own checksum folds to 0xffff when valid: 32-bit loads
 * summed in 64 bits, folded once at the end. */
static inline bool ipv4_sum_ok(const uint8_t *p, unsigned len)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < len; i += 4) {
		uint32_t w;
		memcpy(&w, p + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return csum_fold((uint32_t)(sum & 0xffff) + (uint32_t)(sum >> 16)) == 0xffff;
}

/* Almost every header is 20 bytes (no options): with the length a constant the loop
 * unrolls into five loads and adds (about 20 instructions fewer per packet). */
static inline bool ipv4_header_ok(const void *hdr, unsigned len)
{
	return likely(len == 20) ? ipv4_sum_ok(hdr, 20) : ipv4_sum_ok(hdr, len);
}

/* Checksum fields sit in packed headers, so they are reached through void pointers and
 * memcpy (one unaligned-safe load or store). Values are as they sit in the packet
 * (network order); the one's complement sum is byte-order neutral. */
static inline uint16_t csum_load(const void *field)
{
	uint16_t v;
	memcpy(&v, field, 2);
	return v;
}

static inline void csum_store(void *field, uint16_t v)
{
	memcpy(field, &v, 2);
}

static inline void csum_replace2(void *csum, uint16_t old, uint16_t new_)
{
	uint32_t sum = (uint16_t)~csum_load(csum);
	sum += (uint16_t)~old;
	sum += new_;
	csum_store(csum, (uint16_t)~csum_fold(sum));
}

/* Batched updates: sum the differences of every changed word first (csum_delta*), then
 * fold once into each checksum that covers them (csum_apply). One fold instead of one per
 * word, and the address delta serves both the IP and the L4 checksum. The differences are
 * summed in 64 bits, 32-bit words whole: 2^16 and 2^32 are both 1 modulo 0xffff, so a 32-bit
 * word adds what its two halves would (RFC 1071 §2), without splitting it. */
static inline uint64_t csum_delta16(uint16_t old, uint16_t new_)
{
	return (uint64_t)(uint16_t)~old + new_;
}

static inline uint64_t csum_delta32(uint32_t old, uint32_t new_)
{
	return (uint64_t)(uint32_t)~old + new_;
}

static inline uint64_t csum_delta128(const uint8_t *old, const uint8_t *new_)
{
	uint64_t sum = 0;
	for (int i = 0; i < 16; i += 4) {
		uint32_t o, n;
		memcpy(&o, old + i, 4);
		memcpy(&n, new_ + i, 4);
		sum += csum_delta32(o, n);
	}
	return sum;
}

/* A 64-bit one's complement sum folded to 16 bits: what folding the carries back in until
 * it fits gives (0 only for 0, else the value in 1..0xffff congruent to it modulo 0xffff,
 * as 2^16 is 1 modulo 0xffff), by one division by a constant instead of four folds. */
static inline uint16_t csum_fold64(uint64_t sum)
{
	return sum == 0 ? 0 : (uint16_t)(1 + (sum - 1) % 0xffff);
}

/* The same for a sum known not to be 0 (one test fewer). */
static inline uint16_t csum_fold64_positive(uint64_t sum)
{
	return (uint16_t)(1 + (sum - 1) % 0xffff);
}

static inline void csum_apply(void *csum, uint64_t delta)
{
	uint64_t sum = (uint16_t)~csum_load(csum) + delta;
	csum_store(csum, (uint16_t)~csum_fold64(sum));
}

/* csum_fold64() of a sum of at most 0x1fffe (two 16-bit values): one end-around carry. */
static inline uint16_t csum_fold17(uint32_t sum)
{
	return (uint16_t)((sum & 0xffff) + (sum >> 16));
}

/* csum_apply() with the delta already folded to 16 bits (1..0xffff, csum_fold64 of a positive
 * sum): the same result, as both sums are positive and congruent modulo 0xffff. */
static inline void csum_apply16(void *csum, uint16_t delta)
{
	csum_store(csum, (uint16_t)~csum_fold17((uint32_t)(uint16_t)~csum_load(csum) + delta));
}

/* What decrementing the TTL of a packet it leaves above 0 adds: the (TTL, protocol) word read
 * in memory order has its low byte less one, and ~w + (w - 1) = 0xfffe. */
#define CSUM_TTL_DEC 0xfffeu

/* Checksum of an ICMPv6 message of len bytes, pseudo header included (RFC 8200 §8.1),
 * summed in memory order like rte_raw_cksum: ready to store. */
static inline uint16_t icmp6_checksum(const struct rte_ipv6_hdr *ip, const void *icmp, uint32_t len)
{
	uint32_t sum = rte_raw_cksum(ip->src_addr, 32);
	sum += rte_cpu_to_be_16((uint16_t)len);   /* the 32-bit length's high word is 0 */
	sum += rte_cpu_to_be_16(IPPROTO_ICMPV6);
	sum += rte_raw_cksum(icmp, len);
	return (uint16_t)~csum_fold(sum);
}

static inline uint16_t icmp4_checksum(const void *icmp, uint32_t len)
{
	return (uint16_t)~rte_raw_cksum(icmp, len);
}

/* SCTP: CRC32c over the whole packet with the checksum field zero, sent as the complement
 * in little-endian order (RFC 4960, appendix B): ready to store. */
static inline uint32_t sctp_checksum(const void *sctp, uint32_t len)
{
	return rte_cpu_to_le_32(~rte_hash_crc(sctp, len, 0xffffffff));
}

#endif
