/* SPDX-License-Identifier: Apache-2.0
 * The addresses this forwarder owns in a fleet (gfwd_owned_set): the VIPs, and any other
 * address owned like one (a NAT return-path gateway), it answers ARP, NDP and ICMP echo for.
 * Built off the fast path, read-only once published (by pointer swap, freed after an RCU
 * grace period like a config); looked up only by ARP, NDP and ICMP, never per data packet. */
#ifndef GFWD_OWNED_H
#define GFWD_OWNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "gatunfwd.h"

struct owned_slot {
	struct addr addr;
	uint8_t family;          /* 0: free */
};

struct owned_set {
	uint32_t mask;           /* open addressing over slots */
	uint32_t n;              /* distinct addresses */
	struct owned_slot slots[];
};

/* Into *out, a set of the n addresses (duplicates count once). -EINVAL with err naming the
 * entry that is invalid, or -ENOMEM. */
int owned_build(const struct gfwd_vip *vips, uint32_t n, struct owned_set **out, char *err, size_t err_len);
bool owned_has(const struct owned_set *s, uint8_t family, const struct addr *addr);
void owned_free(struct owned_set *s);

#endif
