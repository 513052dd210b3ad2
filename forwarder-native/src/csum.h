/* SPDX-License-Identifier: Apache-2.0
 * Incremental Internet checksum updates (RFC 1624, eqn. 3): HC' = ~(~HC + ~m + m').
 * NAT changes a few 16/32-bit words; recomputing over the payload would cost per byte. */
#ifndef GFWD_CSUM_H
#define GFWD_CSUM_H

#include <stdint.h>
#include <string.h>

static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
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

static inline void csum_replace4(void *csum, uint32_t old, uint32_t new_)
{
	uint32_t sum = (uint16_t)~csum_load(csum);
	sum += (uint16_t)~(old & 0xffff);
	sum += (uint16_t)~(old >> 16);
	sum += new_ & 0xffff;
	sum += new_ >> 16;
	csum_store(csum, (uint16_t)~csum_fold(sum));
}

/* A 16-byte (IPv6) address in the pseudo header changed. */
static inline void csum_replace16(void *csum, const uint8_t *old, const uint8_t *new_)
{
	uint32_t sum = (uint16_t)~csum_load(csum);
	for (int i = 0; i < 16; i += 2) {
		uint16_t o, n;
		memcpy(&o, old + i, 2);
		memcpy(&n, new_ + i, 2);
		sum += (uint16_t)~o;
		sum += n;
	}
	csum_store(csum, (uint16_t)~csum_fold(sum));
}

/* UDP over IPv4 may carry no checksum (0): it must stay 0, and a computed 0 is sent as
 * 0xffff. */
static inline void udp_csum_replace4(void *csum, uint32_t old, uint32_t new_)
{
	if (csum_load(csum) == 0)
		return;
	csum_replace4(csum, old, new_);
	if (csum_load(csum) == 0)
		csum_store(csum, 0xffff);
}

static inline void udp_csum_replace2(void *csum, uint16_t old, uint16_t new_)
{
	if (csum_load(csum) == 0)
		return;
	csum_replace2(csum, old, new_);
	if (csum_load(csum) == 0)
		csum_store(csum, 0xffff);
}

#endif
