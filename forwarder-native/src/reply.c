/* SPDX-License-Identifier: Apache-2.0
 * The NAT return path: a reply from a NAT backend whose forward flow went through another
 * forwarder (reply.h). */
#include "dataplane.h"
#include "newflow.h"
#include "reply.h"
#include "scheduler.h"
#include "track.h"

/* The NAT service a backend's reply belongs to, when its forward flow went through another
 * forwarder (the VIP's owner before this one; the backends' gateway address moved here with
 * ownership): the only NAT service that has this backend, or among several the one whose
 * scheduler sends the client's tuple (client → VIP:port) to it, as the old owner's did. */
static const struct service *reply_service(const struct config *cfg, const struct pkt *p, uint32_t *bi,
					   enum gfwd_drop *why)
{
	const struct nat_return *r;
	uint32_t n = config_nat_services(cfg, p->key.family, p->key.proto, &p->key.src, p->key.sport, &r);
	if (n == 0) {
		*why = DROP_NO_SERVICE;
		return NULL;
	}
	const struct service *found = NULL;
	for (uint32_t i = 0; i < n; i++) {
		const struct service *svc = &cfg->services[r[i].service];
		int64_t at = config_find_backend(cfg, svc, &p->key.src, p->key.sport);
		if (at < 0)
			continue;
		if (n > 1) {
			struct flow_key k = {
				.src = p->key.dst, .dst = svc->vip, .sport = p->key.dport, .dport = svc->port,
				.proto = p->key.proto, .family = p->key.family,
			};
			if (sched_pick_by_tuple(svc, &k.src, flow_key_hash(&k)) != (uint32_t)at)
				continue;
			if (found != NULL) {
				*why = DROP_NO_FLOW_AMBIGUOUS;   /* two schedulers send this client here */
				return NULL;
			}
		}
		found = svc;
		*bi = (uint32_t)at;
	}
	if (found == NULL)
		*why = DROP_NO_FLOW_AMBIGUOUS;
	return found;
}

/* The flow made, counted as a reply's (reply.h); NULL with *why when none can be. */
struct flow *reply_open(struct worker *w, const struct config *cfg, const struct pkt *p,
			enum gfwd_drop *why)
{
	uint32_t bi;
	const struct service *svc = reply_service(cfg, p, &bi, why);
	if (svc == NULL)
		return NULL;
	uint16_t hop = dp_next_hop(&p->key.dst, p->key.family);   /* rare: may create the entry */
	struct rte_ether_addr mac;
	if (hop == NEIGH_NONE || !neigh_mac(&dp.neigh, hop, &mac)) {
		*why = DROP_NEIGH_UNRESOLVED;
		return NULL;
	}
	const struct backend *b = &cfg->backends[bi];
	struct flow t = {
		.client_addr = p->key.dst, .client_port = p->key.dport, .backend_port = b->port,
		.vport = svc->port, .vip_id = svc->vip_id, .backend_idx = bi,
		.snat_id = (uint8_t)dp.neigh.e[b->neigh].port,
		.proto = p->key.proto, .family = p->key.family, .state = opening_state(p),
		.in_port = (uint8_t)dp.neigh.e[hop].port, .mode = svc->mode,
	};
	memcpy(t.client_mac, mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (!flow_take(w, &t, b, why))
		return NULL;
	struct flow_key kf, kr;   /* the client's key and its reply's, from t (this packet's is kr) */
	flow_key_of(w->flows, &t, DIR_FORWARD, &kf);
	flow_key_of(w->flows, &t, DIR_REVERSE, &kr);
	flow_prepare(&t, &kf, &kr, cfg->st_serial);   /* bi is cfg's */
	struct flow_hash fwd = flow_hash_at(w->flows, flow_key_hash(&kf));
	struct flow_hash rev = flow_hash_at(w->flows, flow_key_hash(&kr));
	struct flow *f = flow_store(w, cfg, &t, b, &fwd, &rev);
	if (unlikely(f == NULL)) {
		*why = DROP_FLOW_TABLE_FULL;
		return NULL;
	}
	w->cnt.event[EV_REPLY_FLOWS]++;
	return f;
}

