/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <rte_hash_crc.h>
#include "owned.h"
#include "tunables.h"

static uint32_t slot_of(const struct owned_set *s, uint8_t family, const struct addr *addr)
{
	return rte_hash_crc(addr->b, 16, family) & s->mask;
}

static bool insert(struct owned_set *s, uint8_t family, const struct addr *addr)
{
	uint32_t i = slot_of(s, family, addr);
	for (; s->slots[i].family != 0; i = (i + 1) & s->mask)
		if (s->slots[i].family == family && addr_eq(&s->slots[i].addr, addr))
			return false;
	s->slots[i].addr = *addr;
	s->slots[i].family = family;
	return true;
}

int owned_build(const struct gfwd_vip *vips, uint32_t n, struct owned_set **out, char *err, size_t err_len)
{
	if (n > MAX_VIPS) {
		snprintf(err, err_len, "%u owned addresses exceed the limit of %u", n, MAX_VIPS);
		return -EINVAL;
	}
	uint32_t slots = 8;
	while (slots < 2 * n)    /* at most half full: short probes */
		slots <<= 1;
	struct owned_set *s = calloc(1, sizeof(*s) + slots * sizeof(struct owned_slot));
	if (s == NULL) {
		snprintf(err, err_len, "out of memory for %u owned addresses", n);
		return -ENOMEM;
	}
	s->mask = slots - 1;
	for (uint32_t i = 0; i < n; i++) {
		const struct gfwd_vip *v = &vips[i];
		if (v->family != GFWD_AF_INET && v->family != GFWD_AF_INET6) {
			snprintf(err, err_len, "owned address %u: family must be 4 or 6, not %u", i, v->family);
			owned_free(s);
			return -EINVAL;
		}
		struct addr a = { .q = { 0, 0 } };
		memcpy(a.b, v->addr, v->family == GFWD_AF_INET ? 4 : 16);
		if (addr_is_zero(&a)) {
			snprintf(err, err_len, "owned address %u is unspecified (0.0.0.0 or ::): give the VIP's address", i);
			owned_free(s);
			return -EINVAL;
		}
		s->n += insert(s, v->family, &a);
	}
	*out = s;
	return 0;
}

bool owned_has(const struct owned_set *s, uint8_t family, const struct addr *addr)
{
	for (uint32_t i = slot_of(s, family, addr); s->slots[i].family != 0; i = (i + 1) & s->mask)
		if (s->slots[i].family == family && addr_eq(&s->slots[i].addr, addr))
			return true;
	return false;
}

void owned_free(struct owned_set *s)
{
	free(s);
}
