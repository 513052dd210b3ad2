/* SPDX-License-Identifier: Apache-2.0
 * Delta commits (gfwd_commit_delta): the running configuration changed by the services
 * upserted and removed, costing those services (store.h), not every one that runs. */
#include <errno.h>
#include <stdio.h>
#include <rte_byteorder.h>
#include "config.h"
#include "delta.h"
#include "tables.h"

#define FAIL(...) do { snprintf(err, err_len, __VA_ARGS__); config_free(c); return NULL; } while (0)

/* The running service of that id in old, or NULL. */
static const struct service *running(const struct config *old, const uint8_t vip[16], uint8_t family,
				     uint16_t port, uint8_t proto)
{
	struct addr a = addr_from(vip, family);
	const struct service *o = config_find_service(old, &a, rte_cpu_to_be_16(port), proto);
	return o != NULL && o->family == family ? o : NULL;
}

/* The services that leave: those removed, and those an upsert replaces (or, refused, drops). */
static int leaving_of(struct leaving *l, const struct config *old, const struct gfwd_service *upserts,
		      uint32_t n_upserts, const struct gfwd_service_id *removed, uint32_t n_removed)
{
	if (leaving_init(l, n_upserts + n_removed) != 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < n_removed; i++) {
		const struct service *o = running(old, removed[i].vip, removed[i].family, removed[i].port, removed[i].proto);
		if (o != NULL)
			leaving_add(l, (uint32_t)(o - old->services));
	}
	for (uint32_t i = 0; i < n_upserts; i++) {
		const struct service *o = running(old, upserts[i].vip, upserts[i].family, upserts[i].port, upserts[i].proto);
		if (o != NULL)
			leaving_add(l, (uint32_t)(o - old->services));
	}
	return 0;
}

/* A key of the NAT return index a delta touches, and its run from then on (NULL: none). */
struct nat_change {
	struct nat_return key;
	struct nat_run *run;
};

/* Service entry i's backends as NAT return entries, appended to out[*n]. */
static void nat_entries(const struct config *c, uint32_t i, struct nat_return *out, uint32_t *n)
{
	const struct service *s = &c->services[i];
	for (uint32_t j = 0; j < s->n_backends; j++) {
		const struct backend *b = &c->backends[s->first_backend + j];
		out[(*n)++] = (struct nat_return){
			.addr = b->addr, .port = b->port, .proto = s->proto, .family = s->family, .service = i,
		};
	}
}

/* The runs of the NAT return index's keys that the NAT services leaving and added (entries from
 * old->svc_end on) touch: each the key's running entries that stay, then those added (in entry
 * order, as the index keeps them). Built before anything is published; -ENOMEM (*out then
 * freed). */
static int nat_changes(const struct config *c, const struct config *old, const struct leaving *leaving,
		       struct nat_change **out, uint32_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	uint32_t n_touched = 0, n_added = 0;
	for (uint32_t i = 0; i < leaving->n; i++)
		if (old->services[leaving->list[i]].mode == GFWD_MODE_NAT)
			n_touched += old->services[leaving->list[i]].n_backends;
	for (uint32_t k = old->svc_end; k < c->svc_end; k++)
		if (c->services[k].mode == GFWD_MODE_NAT)
			n_added += c->services[k].n_backends;
	if (n_touched + n_added == 0)
		return 0;
	struct nat_return *touched = malloc(sizeof(struct nat_return) * (n_touched + n_added));
	struct nat_return *added = malloc(sizeof(struct nat_return) * (n_added ? n_added : 1));
	*out = calloc(n_touched + n_added, sizeof(struct nat_change));
	if (touched == NULL || added == NULL || *out == NULL)
		goto fail;
	uint32_t t = 0, a = 0;
	for (uint32_t i = 0; i < leaving->n; i++)
		if (old->services[leaving->list[i]].mode == GFWD_MODE_NAT)
			nat_entries(old, leaving->list[i], touched, &t);
	for (uint32_t k = old->svc_end; k < c->svc_end; k++)
		if (c->services[k].mode == GFWD_MODE_NAT) {
			nat_entries(c, k, touched, &t);
			nat_entries(c, k, added, &a);
		}
	qsort(touched, t, sizeof(struct nat_return), nat_return_cmp);
	qsort(added, a, sizeof(struct nat_return), nat_return_cmp);
	uint32_t next_added = 0;
	for (uint32_t x = 0, y; x < t; x = y) {
		for (y = x + 1; y < t && nat_same_key(&touched[x], &touched[y]);)
			y++;
		const struct nat_run *was = nat_index_find(&old->st->nat, &touched[x]);
		uint32_t from = next_added;
		while (next_added < a && nat_same_key(&added[next_added], &touched[x]))
			next_added++;
		uint32_t n = next_added - from;
		for (uint32_t e = 0; was != NULL && e < was->n; e++)
			n += !leaving_has(leaving, was->e[e].service);
		struct nat_change *ch = &(*out)[(*n_out)++];
		ch->key = touched[x];
		if (n == 0)
			continue;   /* the key leaves the index */
		if ((ch->run = malloc(sizeof(struct nat_run) + sizeof(struct nat_return) * n)) == NULL)
			goto fail;
		ch->run->n = 0;
		for (uint32_t e = 0; was != NULL && e < was->n; e++)
			if (!leaving_has(leaving, was->e[e].service))
				ch->run->e[ch->run->n++] = was->e[e];
		memcpy(&ch->run->e[ch->run->n], &added[from], sizeof(struct nat_return) * (next_added - from));
		ch->run->n += next_added - from;
	}
	free(touched);
	free(added);
	return 0;
fail:
	for (uint32_t i = 0; *out != NULL && i < *n_out; i++)
		free((*out)[i].run);
	free(*out);
	*out = NULL;
	*n_out = 0;
	free(touched);
	free(added);
	return -ENOMEM;
}

/* The delta into old's own store: the upserts appended beyond every entry old's workers can
 * reach, then, once all of it is built, the leaving entries' backends marked retired and the
 * shared hashes changed slot by slot (store.h). Nothing of the unchanged services is touched.
 * NULL, with err, when out of memory; old's store is then as it was. */
static struct config *delta_in_place(const struct config *old, uint64_t seq, const struct leaving *leaving,
				     const struct gfwd_service *upserts, uint32_t n_upserts,
				     const struct gfwd_backend *backends, uint32_t n_backends, unsigned n_workers,
				     next_hop_fn next_hop, vip_id_fn vip_id, struct gfwd_refusal *refusals,
				     uint32_t refusals_cap, uint32_t *n_refused, char *err, size_t err_len)
{
	struct store *st = old->st;
	st->refs++;
	uint8_t *replaced = NULL;   /* per leaving entry: an upsert took its place */
	struct nat_change *nat = NULL;
	uint32_t n_nat = 0;
	struct config *c = build_config_new(seq, st, n_workers);
	struct staged staged = { .mask = rte_align32pow2(2 * n_upserts + 2) - 1 };
	staged.slots = malloc(sizeof(int32_t) * (staged.mask + 1));
	if (c == NULL || staged.slots == NULL)
		goto undo;
	memset(staged.slots, 0xff, sizeof(int32_t) * (staged.mask + 1));
	c->own_bytes += sizeof(int32_t) * (staged.mask + 1) + leaving->bytes;
	c->n_services = old->n_services - leaving->n;
	c->n_backends = old->n_backends;
	c->table_bytes = old->table_bytes;
	for (uint32_t i = 0; i < leaving->n; i++) {
		const struct service *o = &old->services[leaving->list[i]];
		c->n_backends -= o->n_backends;
		c->table_bytes -= st->tables[leaving->list[i]]->bytes;
	}
	c->tables_reused = c->n_services;
	for (uint32_t i = 0; i < n_upserts; i++)
		if (build_add_service(c, old, i, &upserts[i], backends, n_backends, next_hop, vip_id, refusals, refusals_cap,
				n_refused, &staged, leaving) != 0)
			goto undo;
	/* Room for every list the publishing needs, so that nothing fails from here on. */
	uint32_t drops = 0;
	for (uint32_t i = 0; i < leaving->n; i++)
		drops += 1 + old->services[leaving->list[i]].n_backends;
	c->retired = malloc(sizeof(uint32_t) * (leaving->n ? leaving->n : 1));
	c->dropped = malloc(sizeof(struct dropped_counter) * (drops ? drops : 1));
	replaced = calloc(leaving->n ? leaving->n : 1, 1);
	if (c->retired == NULL || c->dropped == NULL || replaced == NULL)
		goto undo;
	c->dropped_cap = drops;
	c->own_bytes += sizeof(uint32_t) * (uint64_t)(leaving->n + c->fresh_cap) +
			sizeof(struct dropped_counter) * (uint64_t)drops;
	if (nat_changes(c, old, leaving, &nat, &n_nat) != 0 ||
	    (n_nat > 0 && (c->dropped_runs = malloc(sizeof(struct nat_run *) * n_nat)) == NULL))
		goto undo;
	for (uint32_t i = 0; i < n_nat; i++)
		c->own_bytes += sizeof(struct nat_change) + (nat[i].run == NULL ? 0 : sizeof(struct nat_run) +
								sizeof(struct nat_return) * nat[i].run->n);

	/* Published from here on: workers still on old may see each change as it is made. */
	for (uint32_t i = 0; i < leaving->n; i++) {
		const struct service *o = &old->services[leaving->list[i]];
		for (uint32_t j = 0; j < o->n_backends; j++)
			__atomic_store_n(&c->backends[o->first_backend + j].retired, 1, __ATOMIC_RELEASE);
		st->gone[leaving->list[i]] = 1;
	}
	st->svc_end = c->svc_end;
	st->be_end = c->be_end;
	for (uint32_t k = old->svc_end; k < c->svc_end; k++) {
		const struct service *s = &c->services[k];
		const struct service *o = config_find_service(old, &s->vip, s->port, s->proto);
		uint32_t at = o == NULL ? UINT32_MAX : leaving_index(leaving, (uint32_t)(o - old->services));
		if (at == UINT32_MAX) {
			store_insert(st, k);
			continue;
		}
		store_replace(st, (uint32_t)(o - old->services), k);
		/* Within the room made above. The same key in another family took fresh slots. */
		build_drop_counters(c, old, o, o->family == s->family ? s : NULL);
		replaced[at] = 1;
	}
	for (uint32_t i = 0; i < leaving->n; i++) {
		uint32_t e = leaving->list[i];
		c->retired[c->n_retired++] = e;
		if (!replaced[i]) {
			store_remove(st, e);
			build_drop_counters(c, old, &old->services[e], NULL);
		}
	}
	for (uint32_t i = 0; i < n_nat; i++) {   /* the NAT return index, key by key */
		struct nat_run *was = nat_index_set(&st->nat, &nat[i].key, nat[i].run);
		if (was != NULL)
			c->dropped_runs[c->n_dropped_runs++] = was;
	}
	free(nat);
	free(replaced);
	free(staged.slots);
	return c;
undo:
	/* Nothing published: the entries appended are dropped with their tables and slots. */
	for (uint32_t k = old->svc_end; c != NULL && k < c->svc_end; k++) {
		tables_release(st->tables[k]);
		st->tables[k] = NULL;
	}
	for (uint32_t i = 0; i < n_nat; i++)
		free(nat[i].run);
	free(nat);
	free(replaced);
	free(staged.slots);
	config_free(c);   /* gives back its fresh slots, lets go of the store */
	snprintf(err, err_len, "out of memory (or traffic counter slots) building the services");
	return NULL;
}

/* The delta into a fresh store, when old's has no room left: the running services copied a run
 * of consecutive ones at a time (their backends are contiguous: two memcpy per run, then the
 * moved indexes shifted; tables and counter slots shared, nothing validated again), then each
 * upsert added. Costs every running service, but leaves room for half as many again: amortised, a
 * change copies O(1) services. */
static struct config *delta_rebuilt(const struct config *old, uint64_t seq, const struct leaving *leaving,
				    const struct gfwd_service *upserts, uint32_t n_upserts,
				    const struct gfwd_backend *backends, uint32_t n_backends, unsigned n_workers,
				    next_hop_fn next_hop, vip_id_fn vip_id, struct gfwd_refusal *refusals,
				    uint32_t refusals_cap, uint32_t *n_refused, char *err, size_t err_len)
{
	uint64_t room = old->n_backends;
	for (uint32_t i = 0; i < leaving->n; i++)
		room -= old->services[leaving->list[i]].n_backends;
	room = RTE_MIN(room + build_backend_room(upserts, n_upserts, n_backends), (uint64_t)MAX_BACKENDS);
	uint32_t n_kept = old->n_services - leaving->n;
	struct config *c = build_config_fresh(seq, n_kept + n_upserts, room, n_workers);
	if (c == NULL)
		FAIL("out of memory");
	c->own_bytes += leaving->bytes;
	for (uint32_t i = 0; i < old->svc_end;) {
		if (!build_runs(old, leaving, i)) {
			i++;
			continue;
		}
		uint32_t j = i;
		while (j < old->svc_end && build_runs(old, leaving, j))
			j++;
		uint32_t k0 = c->svc_end, b0 = c->be_end;
		uint32_t ob0 = old->services[i].first_backend;
		uint32_t nb = old->services[j - 1].first_backend + old->services[j - 1].n_backends - ob0;
		memcpy(&c->services[k0], &old->services[i], sizeof(struct service) * (j - i));
		memcpy(&c->backends[b0], &old->backends[ob0], sizeof(struct backend) * nb);
		c->svc_end += j - i;
		c->be_end += nb;
		c->n_services += j - i;
		c->n_backends += nb;
		c->st->svc_end = c->svc_end;
		c->st->be_end = c->be_end;
		for (uint32_t b = b0; b < b0 + nb; b++)
			c->backends[b].service = (uint16_t)(c->backends[b].service - i + k0);
		for (uint32_t m = 0; m < j - i; m++) {
			c->services[k0 + m].first_backend = c->services[k0 + m].first_backend - ob0 + b0;
			c->tables[k0 + m] = tables_hold(old->tables[i + m]);
			c->st->gone[k0 + m] = 0;
			c->table_bytes += old->tables[i + m]->bytes;
			store_insert(c->st, k0 + m);
		}
		c->tables_reused += j - i;
		i = j;
	}
	for (uint32_t i = 0; i < n_upserts; i++)
		if (build_add_service(c, old, i, &upserts[i], backends, n_backends, next_hop, vip_id, refusals,
				refusals_cap, n_refused, NULL, NULL) != 0)
			FAIL("out of memory (or traffic counter slots) building the services");
	if (build_finish(c, old, leaving) != 0)
		FAIL("out of memory for the NAT return index");
	return c;
}

struct config *config_build_delta(const struct config *old, uint64_t seq,
				  const struct gfwd_service *upserts, uint32_t n_upserts,
				  const struct gfwd_backend *backends, uint32_t n_backends,
				  const struct gfwd_service_id *removed, uint32_t n_removed,
				  unsigned n_workers, next_hop_fn next_hop, vip_id_fn vip_id,
				  struct gfwd_refusal *refusals, uint32_t refusals_cap, uint32_t *n_refused,
				  int *whole, char *err, size_t err_len)
{
	*n_refused = 0;
	*whole = -ENOMEM;
	struct config *c = NULL;
	struct leaving leaving;
	if (leaving_of(&leaving, old, upserts, n_upserts, removed, n_removed) != 0)
		FAIL("out of memory");
	uint32_t n_kept = old->n_services - leaving.n;
	if ((uint64_t)n_kept + n_upserts > MAX_SERVICES) {
		leaving_free(&leaving);
		*whole = -EINVAL;
		FAIL("%u services kept and %u upserted exceed the limit of %u", n_kept, n_upserts, MAX_SERVICES);
	}
	uint64_t counter_bytes = traffic_bytes();
	uint64_t room = build_backend_room(upserts, n_upserts, n_backends);
	const struct store *st = old->st;
	uint64_t nat_room = 0;   /* keys the upserts may add to the NAT return index */
	for (uint32_t i = 0; i < n_upserts; i++)
		if (upserts[i].mode == GFWD_MODE_NAT && upserts[i].first_backend <= n_backends &&
		    upserts[i].n_backends <= n_backends - upserts[i].first_backend)
			nat_room += upserts[i].n_backends;
	bool fits = st->svc_end == old->svc_end && (uint64_t)st->svc_end + n_upserts <= st->svc_cap &&
		    (uint64_t)st->be_end + room <= st->be_cap && old->n_backends + room <= MAX_BACKENDS &&
		    st->nat.used + nat_room <= st->nat.cap;
	c = fits ? delta_in_place(old, seq, &leaving, upserts, n_upserts, backends, n_backends, n_workers, next_hop,
				  vip_id, refusals, refusals_cap, n_refused, err, err_len)
		 : delta_rebuilt(old, seq, &leaving, upserts, n_upserts, backends, n_backends, n_workers, next_hop,
				 vip_id, refusals, refusals_cap, n_refused, err, err_len);
	leaving_free(&leaving);
	if (c == NULL)
		return NULL;
	c->own_bytes += traffic_bytes() - counter_bytes;
	*whole = 0;
	return c;
}

