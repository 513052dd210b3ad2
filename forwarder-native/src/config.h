/* SPDX-License-Identifier: Apache-2.0
 * One configuration generation: services, their backends and Maglev tables, built off
 * the fast path and read-only once published. */
#ifndef GFWD_CONFIG_H
#define GFWD_CONFIG_H

#include <stdint.h>
#include <stdbool.h>
#include "addr.h"
#include "gatunfwd.h"

struct backend {
	struct addr addr;
	uint16_t port;           /* network order */
	uint16_t neigh;          /* next hop's neighbour entry */
	uint32_t weight;
};

struct service {
	struct addr vip;
	uint16_t vip_id;
	uint16_t port;           /* network order */
	uint8_t proto;
	uint8_t family;
	uint8_t mode;
	uint8_t sched;
	uint32_t n_backends;
	struct backend *backends;   /* sorted by (addr, port): order-independent Maglev */
	uint32_t maglev_size;
	uint16_t *maglev;
};

struct config {
	uint64_t generation;
	uint32_t n_services;
	struct service *services;
	uint32_t svc_mask;          /* open addressing over (vip, port, proto) */
	int32_t *svc_slots;
	uint32_t vip_mask;          /* open addressing over VIPs (ARP, ICMP) */
	int32_t *vip_slots;
};

/* Resolves a backend address to its next hop's neighbour entry; returns NEIGH_NONE if
 * no port reaches it. Supplied by the caller so config stays free of port state. */
typedef uint16_t (*next_hop_fn)(const struct addr *dst, uint8_t family);
/* Maps a VIP to its stable id; returns <0 when the id space is exhausted. */
typedef int (*vip_id_fn)(const struct addr *vip);

struct config *config_build(uint64_t generation,
			    const struct gfwd_service *services, uint32_t n_services,
			    const struct gfwd_backend *backends, uint32_t n_backends,
			    next_hop_fn next_hop, vip_id_fn vip_id,
			    char *err, size_t err_len);
void config_free(struct config *c);

const struct service *config_find_service(const struct config *c, const struct addr *vip,
					  uint16_t port_be, uint8_t proto);
bool config_has_vip(const struct config *c, const struct addr *vip);
const struct backend *service_find_backend(const struct service *s, const struct addr *addr,
					   uint16_t port_be);

#endif
