/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include "config.h"
#include "hash.h"
#include "tunables.h"
#include "maglev.h"
#include "neigh.h"
#include "tables.h"

#define FAIL(...) do { snprintf(err, err_len, __VA_ARGS__); config_free(c); return NULL; } while (0)

_Static_assert(sizeof(struct service) == 64, "a service is read for every new flow: keep it 64 bytes");

static int backend_cmp(const void *a, const void *b)
{
	const struct backend *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);
	return c != 0 ? c : (int)rte_be_to_cpu_16(x->port) - (int)rte_be_to_cpu_16(y->port);
}

/* Serving backends before draining ones, each part by (addr, port): the schedulers then
 * see a prefix, and each part can be searched on its own. */
static int serving_first_cmp(const void *a, const void *b)
{
	const struct backend *x = a, *y = b;
	int dx = x->flags & GFWD_BACKEND_DRAINING, dy = y->flags & GFWD_BACKEND_DRAINING;
	return dx != dy ? dx - dy : backend_cmp(a, b);
}


void config_free(struct config *c)
{
	if (c == NULL)
		return;
	for (uint32_t i = 0; !c->published && i < c->n_fresh; i++)
		traffic_give(c->fresh[i]);
	free(c->fresh);
	free(c->dropped);
	free(c->retired);
	free(c->dropped_runs);
	store_release(c->st);
	free(c);
}

/* ---------------------------------------------------------------- naming in refusals */

static const char *proto_name(uint8_t proto)
{
	return proto == GFWD_PROTO_TCP ? "TCP" : proto == GFWD_PROTO_UDP ? "UDP" : proto == GFWD_PROTO_SCTP ? "SCTP" : NULL;
}

/* "198.18.0.11:8080", "[2001:2::11]:8080": an address and port as a user wrote them. */
static void endpoint_name(char *out, size_t len, const uint8_t addr[16], uint8_t family, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	if (family == GFWD_AF_INET || family == GFWD_AF_INET6)
		inet_ntop(family == GFWD_AF_INET ? AF_INET : AF_INET6, addr, ip, sizeof(ip));
	snprintf(out, len, family == GFWD_AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

/* "198.18.0.200:80/TCP": how a refusal names its service (never by array index). */
static void service_name(char *out, size_t len, const struct gfwd_service *s)
{
	char vip[INET6_ADDRSTRLEN + 8];
	endpoint_name(vip, sizeof(vip), s->vip, s->family, s->port);
	const char *proto = proto_name(s->proto);
	if (proto != NULL)
		snprintf(out, len, "%s/%s", vip, proto);
	else
		snprintf(out, len, "%s/protocol %u", vip, s->proto);
}

/* What is wrong with a service, as a sentence: written into `why`, returned as an errno. */
struct refusal_text {
	char why[160];   /* with the service's name, fits gfwd_refusal.reason */
};

#define REFUSE(rc, ...) do { snprintf(r->why, sizeof(r->why), __VA_ARGS__); return (rc); } while (0)

static int validate_service(const struct gfwd_service *s, uint32_t n_backends, struct refusal_text *r)
{
	if (s->family != GFWD_AF_INET && s->family != GFWD_AF_INET6)
		REFUSE(-EINVAL, "family %u is neither 4 (IPv4) nor 6 (IPv6)", s->family);
	if (proto_name(s->proto) == NULL)
		REFUSE(-EINVAL, "protocol %u is not one of TCP (6), UDP (17) or SCTP (132)", s->proto);
	if (s->port == 0)
		REFUSE(-EINVAL, "port 0 cannot be served: give the service a port from 1 to 65535");
	if (s->mode < GFWD_MODE_FULLNAT || s->mode > GFWD_MODE_DSR_IPIP)
		REFUSE(-EINVAL, "forwarding mode %u is not FullNAT (1), NAT (2), DSR (3) or DSR with IPIP (4)", s->mode);
	if (s->sched < GFWD_SCHED_MAGLEV || s->sched > GFWD_SCHED_SOURCE_HASH)
		REFUSE(-EINVAL, "scheduling %u is not Maglev (1), RoundRobin (2), WeightedRoundRobin (3), "
		       "LeastConnections (4) or SourceHash (5)", s->sched);
	if (s->first_backend > n_backends || s->n_backends > n_backends - s->first_backend)
		REFUSE(-EINVAL, "backend range [%u, +%u) is outside the backend array of %u", s->first_backend,
		       s->n_backends, n_backends);
	/* The operator resolves the default; a zero here is a caller that forgot to. */
	if (s->maglev_size == 0)
		REFUSE(-EINVAL, "Maglev table size 0: give a prime up to %u, such as 65537", MAGLEV_MAX_SIZE);
	uint32_t size = s->maglev_size;
	if (size > MAGLEV_MAX_SIZE || !maglev_is_prime(size))
		REFUSE(-EINVAL, "Maglev table size %u is not a prime up to %u: use a prime such as 65537", size,
		       MAGLEV_MAX_SIZE);
	if (s->n_backends >= size || s->n_backends > MAGLEV_MAX_BACKENDS)
		REFUSE(-EINVAL, "%u backends need a Maglev table larger than %u entries: use a prime above %u",
		       s->n_backends, size, 100 * s->n_backends);
	return 0;
}

static int validate_backend(const struct gfwd_service *s, const struct gfwd_backend *in, struct refusal_text *r)
{
	bool dsr = s->mode == GFWD_MODE_DSR || s->mode == GFWD_MODE_DSR_IPIP;
	if (in->family == s->family && in->port != 0 && in->weight != 0 && !(in->flags & ~GFWD_BACKEND_DRAINING) &&
	    !(dsr && in->port != s->port))
		return 0;   /* the common case: no name to write (formatting it cost most of a commit) */
	char be[INET6_ADDRSTRLEN + 8];
	endpoint_name(be, sizeof(be), in->addr, in->family, in->port);
	if (in->family != s->family)
		REFUSE(-EINVAL, "backend %s is not %s like the VIP: give the service backends of its own family", be,
		       s->family == GFWD_AF_INET ? "IPv4" : "IPv6");
	if (in->port == 0)
		REFUSE(-EINVAL, "backend %s has port 0: give it the port it listens on", be);
	if (in->weight == 0)
		REFUSE(-EINVAL, "backend %s has weight 0: give it a weight of 1 or more (1 for an equal share)", be);
	if (in->flags & ~GFWD_BACKEND_DRAINING)
		REFUSE(-EINVAL, "backend %s has unknown flags 0x%02x (known: draining 0x%02x)", be, in->flags,
		       GFWD_BACKEND_DRAINING);
	if ((s->mode == GFWD_MODE_DSR || s->mode == GFWD_MODE_DSR_IPIP) && in->port != s->port)
		REFUSE(-EINVAL, "DSR cannot translate ports: backend %s must listen on %u", be, s->port);
	return 0;
}

/* x's service of the same VIP, port, protocol and family as s, or NULL. */
static const struct service *same_service_in(const struct config *x, const struct service *s)
{
	if (x == NULL)
		return NULL;
	const struct service *o = config_find_service(x, &s->vip, s->port, s->proto);
	return o != NULL && o->family == s->family ? o : NULL;
}

/* The tables of the same service in old when they fit svc as they are: the same table size
 * and the same serving backends (address, port, weight; both sorted the same way). NULL
 * when svc needs its own (or sharing is off). */
static struct sched_tables *same_tables(const struct config *old, const struct service *svc,
					const struct backend *mine)
{
	if (old == NULL || old->tables == NULL || !tables_sharing())
		return NULL;
	const struct service *o = same_service_in(old, svc);
	if (o == NULL || o->maglev_size != svc->maglev_size || o->n_serving != svc->n_serving)
		return NULL;
	const struct backend *theirs = &old->backends[o->first_backend];
	for (uint32_t j = 0; j < svc->n_serving; j++)
		if (theirs[j].port != mine[j].port || theirs[j].weight != mine[j].weight ||
		    !addr_eq(&theirs[j].addr, &mine[j].addr))
			return NULL;
	return old->tables[o - old->services];
}

/* Appends id to one of c's lists of slots; -ENOMEM. */
static int list_add(uint32_t **list, uint32_t *n, uint32_t *cap, uint32_t id)
{
	if (*n == *cap) {
		uint32_t grown = *cap ? 2 * *cap : 16;
		uint32_t *l = realloc(*list, sizeof(uint32_t) * grown);
		if (l == NULL)
			return -ENOMEM;
		*list = l;
		*cap = grown;
	}
	(*list)[(*n)++] = id;
	return 0;
}

/* A counter slot of c's own (zeroed), or TRAFFIC_NONE. */
static uint32_t take_counter(struct config *c)
{
	uint32_t id = traffic_take();
	if (id != TRAFFIC_NONE && list_add(&c->fresh, &c->n_fresh, &c->fresh_cap, id) != 0) {
		traffic_give(id);
		return TRAFFIC_NONE;
	}
	return id;
}

/* Counter slots for svc and its backends `mine`: those of the same service in old and, within
 * it, of the same backend (address, port) where they ran, so their counts go on; fresh ones
 * for the rest. -ENOMEM when no slot is left (concerns the whole commit). */
static int assign_counters(struct config *c, const struct config *old, struct service *svc, struct backend *mine)
{
	const struct service *o = same_service_in(old, svc);
	svc->counter = o != NULL ? o->counter : take_counter(c);
	for (uint32_t j = 0; j < svc->n_backends; j++) {
		int64_t ob = o == NULL ? -1 : config_find_backend(old, o, &mine[j].addr, mine[j].port);
		mine[j].counter = ob >= 0 ? old->backends[ob].counter : take_counter(c);
		if (mine[j].counter == TRAFFIC_NONE)
			return -ENOMEM;
	}
	return svc->counter == TRAFFIC_NONE ? -ENOMEM : 0;
}

static int drop(struct config *c, uint32_t id, uint32_t into)
{
	if (c->n_dropped == c->dropped_cap) {
		uint32_t grown = c->dropped_cap ? 2 * c->dropped_cap : 16;
		struct dropped_counter *l = realloc(c->dropped, sizeof(*l) * grown);
		if (l == NULL)
			return -ENOMEM;
		c->dropped = l;
		c->dropped_cap = grown;
	}
	c->dropped[c->n_dropped++] = (struct dropped_counter){ id, into };
	return 0;
}

/* Old's service o left or changed in c, where n is the service of its id (NULL: none): the slots
 * of what c no longer has (o itself, or its backends n lacks, whose counts stay n's) go on c's
 * dropped list. */
int build_drop_counters(struct config *c, const struct config *old, const struct service *o,
			 const struct service *n)
{
	if (n == NULL && drop(c, o->counter, TRAFFIC_NONE) != 0)
		return -ENOMEM;
	for (uint32_t j = 0; j < o->n_backends; j++) {
		const struct backend *b = &old->backends[o->first_backend + j];
		if ((n == NULL || config_find_backend(c, n, &b->addr, b->port) < 0) &&
		    drop(c, b->counter, n == NULL ? TRAFFIC_NONE : n->counter) != 0)
			return -ENOMEM;
	}
	return 0;
}

void config_give_dropped(struct config *c)
{
	for (uint32_t i = 0; i < c->n_dropped; i++) {
		if (c->dropped[i].into != TRAFFIC_NONE)
			traffic_fold(c->dropped[i].id, c->dropped[i].into, c->n_workers);
		traffic_give(c->dropped[i].id);
	}
	c->n_dropped = 0;
	for (uint32_t i = 0; i < c->n_retired; i++) {   /* no worker reads their tables any more */
		tables_release(c->st->tables[c->retired[i]]);
		c->st->tables[c->retired[i]] = NULL;
	}
	c->n_retired = 0;
	for (uint32_t i = 0; i < c->n_dropped_runs; i++)
		free(c->dropped_runs[i]);
	c->n_dropped_runs = 0;
}

struct traffic config_service_traffic(const struct config *c, uint32_t i)
{
	const struct service *s = &c->services[i];
	struct traffic t = traffic_sum(s->counter, c->n_workers);
	for (uint32_t j = 0; j < s->n_backends; j++) {
		struct traffic b = traffic_sum(c->backends[s->first_backend + j].counter, c->n_workers);
		t.packets += b.packets;
		t.bytes += b.bytes;
		t.new_flows += b.new_flows;
		t.active += b.active;
	}
	return t;
}

/* Builds services[index] from s and its backends, taking over old's tables for it when they
 * fit, or says why not (nothing of it is then left in c). -ENOMEM concerns the whole commit. */
static int build_service(struct config *c, const struct config *old, uint32_t index, const struct gfwd_service *s,
			 const struct gfwd_backend *backends, next_hop_fn next_hop, struct refusal_text *r)
{
	struct service *svc = &c->services[index];
	struct backend *mine = &c->backends[c->be_end];
	for (uint32_t j = 0; j < s->n_backends; j++) {
		const struct gfwd_backend *in = &backends[s->first_backend + j];
		int rc = validate_backend(s, in, r);
		if (rc != 0)
			return rc;
		struct backend *b = &mine[j];
		b->addr = addr_from(in->addr, in->family);
		b->port = rte_cpu_to_be_16(in->port);
		b->weight = in->weight;
		b->service = (uint16_t)index;
		b->flags = in->flags;
		b->retired = 0;
	}
	/* Duplicates first, over both parts: a backend is serving or draining, not both. */
	qsort(mine, s->n_backends, sizeof(struct backend), backend_cmp);
	for (uint32_t j = 1; j < s->n_backends; j++)
		if (backend_cmp(&mine[j - 1], &mine[j]) == 0) {
			char be[INET6_ADDRSTRLEN + 8];
			endpoint_name(be, sizeof(be), mine[j].addr.b, s->family, rte_be_to_cpu_16(mine[j].port));
			REFUSE(-EINVAL, "backend %s is listed twice: list each address and port once", be);
		}
	/* Routes last: only a service that is otherwise valid asks for neighbours. */
	for (uint32_t j = 0; j < s->n_backends; j++) {
		mine[j].neigh = next_hop(&mine[j].addr, s->family);
		if (mine[j].neigh == NEIGH_NONE) {
			char be[INET6_ADDRSTRLEN + 8];
			endpoint_name(be, sizeof(be), mine[j].addr.b, s->family, rte_be_to_cpu_16(mine[j].port));
			REFUSE(-EHOSTUNREACH, "no route to backend %s: no port is on its prefix and none has a gateway "
			       "(or the neighbour table is full)", be);
		}
	}
	qsort(mine, s->n_backends, sizeof(struct backend), serving_first_cmp);

	*svc = (struct service){
		.vip = addr_from(s->vip, s->family), .port = rte_cpu_to_be_16(s->port), .proto = s->proto,
		.family = s->family, .mode = s->mode, .sched = s->sched, .first_backend = c->be_end,
		.n_backends = s->n_backends, .affinity_timeout_s = s->affinity_timeout_s,
		.maglev_size = s->maglev_size,
	};
	for (uint32_t j = 0; j < s->n_backends; j++)
		svc->n_serving += !(mine[j].flags & GFWD_BACKEND_DRAINING);
	struct sched_tables *t = same_tables(old, svc, mine);
	if (t != NULL) {
		c->tables[index] = tables_hold(t);
		c->tables_reused++;
	} else {
		/* Maglev and weighted round robin know only the serving backends: a draining one
		 * owns no table entry, so no new flow can hash to it. */
		struct maglev_input *in = calloc(svc->n_serving ? svc->n_serving : 1, sizeof(*in));
		if (in == NULL) {
			memset(svc, 0, sizeof(*svc));
			return -ENOMEM;
		}
		for (uint32_t j = 0; j < svc->n_serving; j++)
			in[j] = (struct maglev_input){ mine[j].addr, mine[j].port, mine[j].weight };
		int rc = tables_build(in, svc->n_serving, svc->maglev_size, &t);
		free(in);
		if (rc != 0) {
			memset(svc, 0, sizeof(*svc));
			return rc == -ENOMEM ? rc
					     : (snprintf(r->why, sizeof(r->why), "its Maglev table could not be built"), rc);
		}
		c->tables[index] = t;
		c->tables_built++;
		c->table_bytes_built += t->bytes;
	}
	svc->maglev = t->maglev;
	svc->wrr = t->wrr;
	svc->wrr_len = t->wrr_len;
	if (assign_counters(c, old, svc, mine) != 0) {
		tables_release(c->tables[index]);   /* c is freed: its other tables and slots with it */
		return -ENOMEM;
	}
	c->st->gone[index] = 0;
	c->table_bytes += t->bytes;
	c->be_end += s->n_backends;
	c->n_backends += s->n_backends;
	return 0;
}

/* The NAT return path's index of c's own store (natindex.h), off the fast path: for each backend
 * of a NAT-mode service (serving or draining: a draining backend still answers its open
 * connections), the services that have it. */
int build_nat_index(struct config *c)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->svc_end; i++)
		if (config_runs(c, i) && c->services[i].mode == GFWD_MODE_NAT)
			n += c->services[i].n_backends;
	if (nat_index_init(&c->st->nat, n + n / 2 + 64) != 0)
		return -ENOMEM;
	c->own_bytes += sizeof(struct nat_run *) * ((uint64_t)c->st->nat.mask + 1);
	if (n == 0)
		return 0;
	struct nat_return *all = malloc(sizeof(struct nat_return) * n);
	if (all == NULL)
		return -ENOMEM;
	uint32_t k = 0;
	for (uint32_t i = 0; i < c->svc_end; i++) {
		const struct service *s = &c->services[i];
		if (!config_runs(c, i) || s->mode != GFWD_MODE_NAT)
			continue;
		for (uint32_t j = 0; j < s->n_backends; j++) {
			const struct backend *b = &c->backends[s->first_backend + j];
			all[k++] = (struct nat_return){
				.addr = b->addr, .port = b->port, .proto = s->proto, .family = s->family, .service = i,
			};
		}
	}
	qsort(all, n, sizeof(struct nat_return), nat_return_cmp);
	for (uint32_t a = 0, b; a < n; a = b) {   /* one run per key */
		for (b = a + 1; b < n && nat_same_key(&all[a], &all[b]);)
			b++;
		struct nat_run *run = malloc(sizeof(*run) + sizeof(struct nat_return) * (b - a));
		if (run == NULL) {
			free(all);
			return -ENOMEM;
		}
		run->n = b - a;
		memcpy(run->e, &all[a], sizeof(struct nat_return) * (b - a));
		nat_index_set(&c->st->nat, &all[a], run);
		c->own_bytes += sizeof(*run) + sizeof(struct nat_return) * (b - a);
	}
	free(all);
	return 0;
}

static void refuse(struct gfwd_refusal *out, uint32_t cap, uint32_t *n, uint32_t index,
		   const struct gfwd_service *s, int rc, const struct refusal_text *r)
{
	if (*n < cap) {
		char name[INET6_ADDRSTRLEN + 32];
		service_name(name, sizeof(name), s);
		out[*n].service = index;
		out[*n].error = rc;
		snprintf(out[*n].reason, sizeof(out[*n].reason), "%s: %s", name, r->why);
	}
	(*n)++;
}

struct config *config_build(uint64_t seq,
			    const struct gfwd_service *services, uint32_t n_services,
			    const struct gfwd_backend *backends, uint32_t n_backends,
			    unsigned n_workers, next_hop_fn next_hop, vip_id_fn vip_id,
			    struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
			    char *err, size_t err_len)
{
	return config_build_over(NULL, seq, services, n_services, backends, n_backends, n_workers, next_hop,
				 vip_id, refusals, refusals_cap, n_refused, err, err_len);
}

/* An empty config over store st (whose reference it takes), its entries those written so far,
 * counting into the counter slots of n_workers workers. */
struct config *build_config_new(uint64_t seq, struct store *st, unsigned n_workers)
{
	struct config *c = calloc(1, sizeof(*c));
	if (c == NULL || traffic_workers(n_workers ? n_workers : 1) != 0) {
		free(c);
		store_release(st);
		return NULL;
	}
	c->seq = seq;
	c->st = st;
	c->n_workers = n_workers ? n_workers : 1;
	c->live = traffic_live;
	c->cursor = traffic_cursor;
	c->services = st->services;
	c->backends = st->backends;
	c->tables = st->tables;
	c->svc_end = st->svc_end;
	c->be_end = st->be_end;
	c->st_serial = st->serial;
	c->svc_mask = st->svc_mask;
	c->svc_slots = st->svc_slots;
	c->vip_mask = st->vip_mask;
	c->vip_slots = st->vip_slots;
	c->own_bytes = sizeof(*c);
	return c;
}

/* A config over a store of its own, with room for n_services and `room` backends and half as
 * many again for the commits after it. */
struct config *build_config_fresh(uint64_t seq, uint32_t n_services, uint64_t room, unsigned n_workers)
{
	/* Half as many again: deltas append changed services until the room is used, and only
	 * then are the running ones copied into a fresh store, once per changes of half of them. */
	uint32_t svc_cap = (uint32_t)RTE_MIN((uint64_t)n_services + n_services / 2 + 16, (uint64_t)MAX_SERVICES);
	uint32_t be_cap = (uint32_t)RTE_MIN(room + room / 2 + 64, 2 * (uint64_t)MAX_BACKENDS);
	struct store *st = store_alloc(svc_cap, be_cap);
	if (st == NULL)
		return NULL;
	struct config *c = build_config_new(seq, st, n_workers);
	if (c != NULL)
		c->own_bytes += st->bytes;
	return c;
}

/* Validates and builds `in` (index i of the caller's array) as c's next service entry, or
 * refuses it on its own. Into c's hashes at once, or, with `staged`, only into that (the
 * hashes are shared with the running config: config_build_delta changes them once the whole
 * commit is built). -ENOMEM only: that concerns the whole commit. */
int build_add_service(struct config *c, const struct config *old, uint32_t i, const struct gfwd_service *in,
		       const struct gfwd_backend *backends, uint32_t n_backends, next_hop_fn next_hop,
		       vip_id_fn vip_id, struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
		       struct staged *staged, const struct leaving *leaving)
{
	struct refusal_text r;
	int rc = validate_service(in, n_backends, &r);
	struct addr vip = addr_from(in->vip, in->family);
	uint16_t port = rte_cpu_to_be_16(in->port);
	uint32_t h = svc_hash(&vip, port, in->proto);
	bool twice = false;
	if (rc == 0 && staged == NULL) {
		twice = config_find_service(c, &vip, port, in->proto) != NULL;
	} else if (rc == 0) {
		const struct service *o = config_find_service(old, &vip, port, in->proto);
		twice = o != NULL && !leaving_has(leaving, (uint32_t)(o - old->services));
		for (uint32_t k = h & staged->mask; !twice && staged->slots[k] >= 0; k = (k + 1) & staged->mask) {
			const struct service *s = &c->services[staged->slots[k]];
			twice = s->port == port && s->proto == in->proto && addr_eq(&s->vip, &vip);
		}
	}
	if (twice) {
		rc = -EINVAL;
		snprintf(r.why, sizeof(r.why), "another service has the same VIP, port and protocol: "
			 "merge their backends into one");
	}
	if (rc == 0 && c->n_backends + (uint64_t)in->n_backends > MAX_BACKENDS) {
		rc = -ENOSPC;
		snprintf(r.why, sizeof(r.why), "its %u backends exceed the limit of %u over all services",
			 in->n_backends, MAX_BACKENDS);
	}
	int id = -1;
	if (rc == 0 && (id = vip_id(&vip)) < 0) {
		rc = -ENOSPC;
		snprintf(r.why, sizeof(r.why), "more than %u distinct VIPs since start: restart the forwarder",
			 MAX_VIPS);
	}
	uint32_t k = c->svc_end;
	if (rc == 0)
		rc = build_service(c, old, k, in, backends, next_hop, &r);
	if (rc == -ENOMEM)
		return rc;
	if (rc != 0) {
		refuse(refusals, refusals_cap, n_refused, i, in, rc, &r);
		return 0;
	}
	c->services[k].vip_id = (uint16_t)id;
	c->svc_end = k + 1;
	c->n_services++;
	if (staged != NULL) {
		uint32_t at = h & staged->mask;
		while (staged->slots[at] >= 0)
			at = (at + 1) & staged->mask;
		staged->slots[at] = (int32_t)k;
	} else {
		c->st->svc_end = c->svc_end;   /* its own store: entries are published with it */
		c->st->be_end = c->be_end;
		store_insert(c->st, k);
	}
	return 0;
}

/* Services may share input backends; each gets its own copy. Room for every service whose
 * backend range is inside the array (a refused one leaves it unused). */
uint64_t build_backend_room(const struct gfwd_service *services, uint32_t n_services, uint32_t n_backends)
{
	uint64_t room = 0;
	for (uint32_t i = 0; i < n_services; i++)
		if (services[i].first_backend <= n_backends && services[i].n_backends <= n_backends - services[i].first_backend)
			room += services[i].n_backends;
	return room;
}

/* What the lists of a config built over its own store cost, and its NAT index. The slots of
 * old's services that leave (those in `leaving`, or every one when NULL) are dropped first. */
int build_finish(struct config *c, const struct config *old, const struct leaving *leaving)
{
	for (uint32_t i = 0; old != NULL && i < old->svc_end; i++) {
		const struct service *o = &old->services[i];
		if (!old->st->gone[i] && (leaving == NULL || leaving_has(leaving, i)) &&
		    build_drop_counters(c, old, o, same_service_in(c, o)) != 0)
			return -ENOMEM;
	}
	c->own_bytes += sizeof(uint32_t) * (uint64_t)c->fresh_cap + sizeof(struct dropped_counter) * c->dropped_cap;
	return build_nat_index(c);
}

struct config *config_build_over(const struct config *old, uint64_t seq,
				 const struct gfwd_service *services, uint32_t n_services,
				 const struct gfwd_backend *backends, uint32_t n_backends,
				 unsigned n_workers, next_hop_fn next_hop, vip_id_fn vip_id,
				 struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
				 char *err, size_t err_len)
{
	*n_refused = 0;
	struct config *c = NULL;
	if (n_services > MAX_SERVICES)
		FAIL("%u services exceed the limit of %u", n_services, MAX_SERVICES);
	uint64_t room = RTE_MIN(build_backend_room(services, n_services, n_backends), (uint64_t)MAX_BACKENDS);
	uint64_t counter_bytes = traffic_bytes();
	if ((c = build_config_fresh(seq, n_services, room, n_workers)) == NULL)
		FAIL("out of memory");
	for (uint32_t i = 0; i < n_services; i++)
		if (build_add_service(c, old, i, &services[i], backends, n_backends, next_hop, vip_id, refusals,
				refusals_cap, n_refused, NULL, NULL) != 0)
			FAIL("out of memory (or traffic counter slots) building the services");
	if (build_finish(c, old, NULL) != 0)
		FAIL("out of memory for the NAT return index");
	c->own_bytes += traffic_bytes() - counter_bytes;
	return c;
}

const struct service *config_find_service(const struct config *c, const struct addr *vip,
					  uint16_t port_be, uint8_t proto)
{
	uint32_t h = svc_hash(vip, port_be, proto) & c->svc_mask;
	for (int32_t i; (i = __atomic_load_n(&c->svc_slots[h], __ATOMIC_ACQUIRE)) != SLOT_EMPTY;
	     h = (h + 1) & c->svc_mask) {
		if (i < 0)
			continue;   /* a tombstone */
		const struct service *s = &c->services[i];
		if (s->port == port_be && s->proto == proto && addr_eq(&s->vip, vip))
			return s;
	}
	return NULL;
}

bool config_has_vip(const struct config *c, const struct addr *vip)
{
	uint32_t h = vip_hash(vip) & c->vip_mask;
	for (int32_t i; (i = __atomic_load_n(&c->vip_slots[h], __ATOMIC_ACQUIRE)) != SLOT_EMPTY;
	     h = (h + 1) & c->vip_mask)
		if (i >= 0 && addr_eq(&c->services[i].vip, vip))
			return true;
	return false;
}

static int64_t find_in(const struct config *c, uint32_t first, uint32_t n,
		       const struct addr *addr, uint16_t port_be)
{
	struct backend key = { .addr = *addr, .port = port_be };
	const struct backend *b = bsearch(&key, &c->backends[first], n, sizeof(struct backend), backend_cmp);
	return b == NULL ? -1 : (int64_t)(b - c->backends);
}

int64_t config_find_serving_backend(const struct config *c, const struct service *s,
				    const struct addr *addr, uint16_t port_be)
{
	return find_in(c, s->first_backend, s->n_serving, addr, port_be);
}

int64_t config_find_backend(const struct config *c, const struct service *s,
			    const struct addr *addr, uint16_t port_be)
{
	int64_t bi = config_find_serving_backend(c, s, addr, port_be);
	if (bi >= 0 || s->n_serving == s->n_backends)
		return bi;
	return find_in(c, s->first_backend + s->n_serving, s->n_backends - s->n_serving, addr, port_be);
}

uint32_t config_nat_services(const struct config *c, uint8_t family, uint8_t proto, const struct addr *addr,
			     uint16_t port_be, const struct nat_return **first)
{
	struct nat_return key = { .addr = *addr, .port = port_be, .proto = proto, .family = family };
	const struct nat_run *run = nat_index_find(&c->st->nat, &key);
	*first = run != NULL ? run->e : NULL;
	return run != NULL ? run->n : 0;
}
