/* SPDX-License-Identifier: Apache-2.0
 * Hashes. Flow and service lookups use the CPU's CRC32C (one instruction per 8 bytes);
 * Maglev permutations need well-mixed, seedable 64-bit values, so they use a
 * multiply-xorshift mix instead. */
#ifndef GFWD_HASH_H
#define GFWD_HASH_H

#include <stdint.h>
#include <string.h>
#include <rte_hash_crc.h>

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* len must be a multiple of 8. */
static inline uint64_t hash64_words(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = mix64(seed ^ len);
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = mix64(h ^ w);
	}
	return h;
}

static inline uint32_t crc_words(const void *data, size_t len, uint32_t seed)
{
	return rte_hash_crc(data, (uint32_t)len, seed);
}

#endif
