/* SPDX-License-Identifier: Apache-2.0
 * Family-neutral addresses: 16 bytes, IPv4 in the first four (network order), rest zero. */
#ifndef GFWD_ADDR_H
#define GFWD_ADDR_H

#include <stdint.h>
#include <string.h>
#include <stdbool.h>
#include <rte_common.h>

struct addr {
	union {
		uint8_t b[16];
		uint32_t v4;       /* network order */
		uint64_t q[2];
	};
};

static inline struct addr addr_v4(uint32_t be)
{
	struct addr a = { .q = { 0, 0 } };
	a.v4 = be;
	return a;
}

static inline bool addr_eq(const struct addr *a, const struct addr *b)
{
	return a->q[0] == b->q[0] && a->q[1] == b->q[1];
}

static inline bool addr_is_zero(const struct addr *a)
{
	return (a->q[0] | a->q[1]) == 0;
}

static inline int addr_cmp(const struct addr *a, const struct addr *b)
{
	return memcmp(a->b, b->b, 16);
}

/* True when a and b share the first prefix_len bits. */
static inline bool addr_same_prefix(const struct addr *a, const struct addr *b, unsigned prefix_len)
{
	unsigned i;
	for (i = 0; i < prefix_len / 8; i++)
		if (a->b[i] != b->b[i])
			return false;
	if (prefix_len % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - prefix_len % 8));
		if ((a->b[i] ^ b->b[i]) & mask)
			return false;
	}
	return true;
}

#endif
