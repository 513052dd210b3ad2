/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include "maglev.h"
#include "hash.h"

int maglev_is_prime(uint32_t n)
{
	if (n < 2)
		return 0;
	for (uint32_t d = 2; (uint64_t)d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

static const struct maglev_input *sort_base;

static int by_key(const void *a, const void *b)
{
	const struct maglev_input *x = &sort_base[*(const uint32_t *)a], *y = &sort_base[*(const uint32_t *)b];
	int c = addr_cmp(&x->addr, &y->addr);
	return c != 0 ? c : (int)x->port - (int)y->port;
}

struct cursor {
	uint32_t pos;    /* current preferred slot: offset + j * skip (mod size) */
	uint32_t skip;
};

int maglev_build(uint16_t *table, uint32_t size, const struct maglev_input *in, uint32_t n)
{
	if (size < 2 || n > MAGLEV_MAX_BACKENDS || (n > 0 && n >= size))
		return -EINVAL;
	for (uint32_t s = 0; s < size; s++)
		table[s] = MAGLEV_EMPTY;
	if (n == 0)
		return 0;

	struct cursor *cur = calloc(n, sizeof(*cur));
	uint32_t *order = malloc(n * sizeof(*order));
	if (cur == NULL || order == NULL) {
		free(cur);
		free(order);
		return -ENOMEM;
	}
	/* Backends take turns in key order, not input order: the table is a function of the
	 * set of backends alone. (Control path only; the static is not a hazard there.) */
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	sort_base = in;
	qsort(order, n, sizeof(*order), by_key);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t key[24] = { 0 };
		memcpy(key, in[i].addr.b, 16);
		memcpy(key + 16, &in[i].port, 2);
		cur[i].pos = (uint32_t)(hash64_words(key, sizeof(key), 0x6d61676c65763031ULL) % size);
		cur[i].skip = (uint32_t)(hash64_words(key, sizeof(key), 0x736b697070657232ULL) % (size - 1)) + 1;
	}

	/* Each round, backend i claims `weight` slots: its next preferred free ones. */
	uint32_t filled = 0;
	while (filled < size) {
		for (uint32_t k = 0; k < n && filled < size; k++) {
			uint32_t i = order[k];
			for (uint32_t t = 0; t < in[i].weight && filled < size; t++) {
				while (table[cur[i].pos] != MAGLEV_EMPTY)
					cur[i].pos = (uint32_t)(((uint64_t)cur[i].pos + cur[i].skip) % size);
				table[cur[i].pos] = (uint16_t)i;
				cur[i].pos = (uint32_t)(((uint64_t)cur[i].pos + cur[i].skip) % size);
				filled++;
			}
		}
	}
	free(cur);
	free(order);
	return 0;
}
