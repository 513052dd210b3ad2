/* SPDX-License-Identifier: Apache-2.0
 * A service and a backend as the data plane reads them: written once, off the fast path, into
 * a store (store.h) that configurations share, and read-only from then on (but for a
 * backend's `retired` mark). */
#ifndef GFWD_SERVICE_H
#define GFWD_SERVICE_H

#include <stdint.h>
#include "addr.h"

#define SERVICE_NONE UINT16_MAX

struct backend {
	struct addr addr;
	uint16_t port;           /* network order */
	uint16_t neigh;          /* next hop's neighbour entry */
	uint32_t weight;
	uint16_t service;        /* index of its service (MAX_SERVICES fits) */
	uint8_t flags;           /* GFWD_BACKEND_*, as committed */
	uint8_t retired;         /* its service changed or left (store.h): hints into it are stale */
	uint32_t counter;        /* its traffic slot (traffic.h), kept while it runs */
};

struct service {
	struct addr vip;
	uint16_t vip_id;
	uint16_t port;           /* network order */
	uint8_t proto;
	uint8_t family;
	uint8_t mode;
	uint8_t sched;
	/* backends[first_backend .. + n_backends): the serving ones, then the draining ones,
	 * each part sorted by (addr, port). Schedulers choose among the first n_serving only;
	 * established flows find a backend in either part. */
	uint32_t first_backend;
	uint16_t n_backends;     /* at most MAGLEV_MAX_BACKENDS */
	uint16_t n_serving;
	uint32_t maglev_size;
	uint32_t counter;        /* its traffic slot (traffic.h), kept while it runs */
	uint16_t *maglev;        /* offsets into the serving backends */
	uint32_t affinity_timeout_s;
	uint32_t wrr_len;
	uint16_t *wrr;           /* weighted round robin: backend offsets in serving order */
};

#endif
