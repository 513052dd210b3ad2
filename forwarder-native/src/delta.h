/* SPDX-License-Identifier: Apache-2.0
 * Delta commits: a configuration built from the running one and only what changed. */
#ifndef GFWD_DELTA_H
#define GFWD_DELTA_H

#include "config.h"

/* The running config `old` changed by what changed: the services named in `removed` and those
 * the upserts replace leave; the others stay as they are (the same entries of the same store,
 * store.h; or, when it has no room left, copied into a fresh one), then each upsert is added as
 * config_build_over() would add it (refused on its own, or its tables taken over from old when
 * they fit). NULL, with *whole the negative errno and err, only for what concerns the whole
 * call; old then runs as it was. */
struct config *config_build_delta(const struct config *old, uint64_t seq,
				  const struct gfwd_service *upserts, uint32_t n_upserts,
				  const struct gfwd_backend *backends, uint32_t n_backends,
				  const struct gfwd_service_id *removed, uint32_t n_removed,
				  unsigned n_workers, next_hop_fn next_hop, vip_id_fn vip_id,
				  struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
				  int *whole, char *err, size_t err_len);

#endif
