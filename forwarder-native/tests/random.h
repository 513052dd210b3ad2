/* SPDX-License-Identifier: Apache-2.0
 * The tests' random cases: xorshift64, seeded per test, so a failure replays exactly. */
#ifndef GFWD_TEST_RANDOM_H
#define GFWD_TEST_RANDOM_H

#include <stdint.h>

/* The next value of the sequence *state (never 0 unless seeded with 0). */
static inline uint64_t xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
