/* SPDX-License-Identifier: Apache-2.0
 * Hashes. Flow and service lookups use the CPU's CRC32C (one instruction per 8 bytes);
 * Maglev permutations need well-mixed, seedable 64-bit values, so they use a
 * multiply-xorshift mix instead. */
#ifndef GFWD_HASH_H
#define GFWD_HASH_H

#include <stdint.h>
#include <string.h>
#include <rte_hash_crc.h>
#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif

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

/* CRC32c, the value rte_hash_crc gives, without its check per word of which instruction
 * to use: every build has SSE4.2 (-march=corei7). len must be a multiple of 8. */
static inline uint32_t crc_words(const void *data, size_t len, uint32_t seed)
{
#ifdef __SSE4_2__
	const uint8_t *p = data;
	uint64_t h = seed;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = _mm_crc32_u64(h, w);
	}
	return (uint32_t)h;
#else
	return rte_hash_crc(data, (uint32_t)len, seed);
#endif
}

/* rte_hash_crc_4byte(data, seed), the same way. */
static inline uint32_t crc_u32(uint32_t data, uint32_t seed)
{
#ifdef __SSE4_2__
	return _mm_crc32_u32(seed, data);
#else
	return rte_hash_crc_4byte(data, seed);
#endif
}

#endif
