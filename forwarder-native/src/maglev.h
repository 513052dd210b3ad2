/* SPDX-License-Identifier: Apache-2.0
 * Maglev consistent hashing (Eisenbud et al., NSDI'16), weighted by turns per round. */
#ifndef GFWD_MAGLEV_H
#define GFWD_MAGLEV_H

#include <stdint.h>
#include "addr.h"

#define MAGLEV_EMPTY UINT16_MAX
#define MAGLEV_MAX_BACKENDS (UINT16_MAX - 1)

struct maglev_input {
	struct addr addr;
	uint16_t port;       /* any fixed byte order; only hashed */
	uint32_t weight;     /* > 0 */
};

/* Fills table[0..size) with indexes into in[0..n). The permutation of each backend
 * depends only on its address and port, so the result does not depend on the order of
 * in[] beyond tie-breaking, which callers fix by sorting. size must be prime and > n.
 * n == 0 fills the table with MAGLEV_EMPTY. Returns 0 or -errno. */
int maglev_build(uint16_t *table, uint32_t size, const struct maglev_input *in, uint32_t n);

int maglev_is_prime(uint32_t n);

#endif
