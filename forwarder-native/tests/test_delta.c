/* SPDX-License-Identifier: Apache-2.0
 * gfwd_commit_delta() runs what gfwd_commit() of the whole state runs (issue 15): ~1,500
 * random steps, each adding, changing and removing a few services (some of them refused: a
 * backend without a route, a weight of 0, the same backend twice), and now and then a full
 * commit in between as the agent makes after a reconnect. After each delta the running
 * configuration is compared with one built afresh from the whole desired state: the same
 * services, backends, routes and tables, refused alike. The services a step did not touch keep
 * the very memory of their tables. Workers run throughout, so the grace period and the
 * giving back of counter slots are the real ones.
 *
 * Built again as test_delta_oom (-DDELTA_OOM, linked with malloc, calloc and realloc wrapped):
 * each step's delta is first tried with one of its allocations failing, any one of them (in the
 * running store or while copying into a fresh one). The delta must then fail whole with -ENOMEM,
 * and what runs must be exactly the state before it: no service half changed, no table or
 * counter slot leaked. Then the same delta runs for real. Every fifth step the whole state is
 * committed the same way (gfwd_commit, sharing the unchanged tables). */
#include <rte_byteorder.h>
#include "live.h"
#include "dataplane.h"
#include "tables.h"
#include "random.h"

#define IDS 96                /* services that may exist: 4 VIPs x 24 ports */
#define MAX_PER 6             /* backends per service */

struct want {
	int present;
	uint32_t n;
	uint8_t addr[MAX_PER];    /* last octet of 198.18.0.x (198.19.0.x: no route) */
	uint8_t unroutable;       /* backend 0 has no route */
	uint8_t weight0;          /* backend 0 has weight 0 (refused) */
	uint8_t twice;            /* backend 1 repeats backend 0 (refused) */
	uint8_t drain;            /* bitmask of draining backends */
	uint8_t weight;           /* of every backend */
	uint8_t sched;
	uint8_t mode;
	uint32_t maglev_size;
};

static struct want wants[IDS];
static uint64_t seq;
static uint32_t in_place;   /* deltas into the running store (the others copied it) */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

#ifdef DELTA_OOM
/* The committing thread's allocations, counted and made to fail one at a time (the workers' and
 * the housekeeper's are left alone). */
static __thread int32_t oom_countdown = -1;   /* allocations to let through before one fails; -1: none */
static __thread uint32_t oom_seen;            /* allocations of the call in progress */
static __thread int oom_hit;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static int oom_fails_now(void)
{
	oom_seen++;
	if (oom_countdown < 0 || oom_countdown-- != 0)
		return 0;
	oom_hit = 1;
	return 1;
}

void *__wrap_malloc(size_t n) { return oom_fails_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return oom_fails_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return oom_fails_now() ? NULL : __real_realloc(p, n); }
#define STEPS 600
#else
#define STEPS 1500
#endif

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(xorshift64(&rng) % n);
}

static uint8_t family_of(uint32_t id)
{
	return GFWD_AF_INET;   /* the ring port has no IPv6 address: IPv6 backends would never run */
}

static void vip_of(uint32_t id, uint8_t out[16])
{
	char ip[64];
	memset(out, 0, 16);
	snprintf(ip, sizeof(ip), "198.18.1.%u", 200 + id % 4);
	inet_pton(AF_INET, ip, out);
}

static uint16_t port_of(uint32_t id)
{
	return (uint16_t)(1000 + id / 4);
}

static struct gfwd_service_id id_of(uint32_t id)
{
	struct gfwd_service_id s = { .family = family_of(id), .proto = IPPROTO_TCP, .port = port_of(id) };
	vip_of(id, s.vip);
	return s;
}

/* Appends wants[id] as a service (and its backends) to s and b. */
static void put_service(uint32_t id, struct gfwd_service *s, struct gfwd_backend *b, uint32_t *nb)
{
	const struct want *w = &wants[id];
	*s = (struct gfwd_service){ .family = family_of(id), .proto = IPPROTO_TCP, .port = port_of(id),
				    .mode = w->mode, .sched = w->sched, .maglev_size = w->maglev_size,
				    .first_backend = *nb, .n_backends = w->n };
	vip_of(id, s->vip);
	for (uint32_t j = 0; j < w->n; j++) {
		struct gfwd_backend *x = &b[(*nb)++];
		uint8_t last = j == 1 && w->twice ? w->addr[0] : w->addr[j];
		*x = (struct gfwd_backend){ .family = family_of(id), .port = 8080,
					    .weight = j == 0 && w->weight0 ? 0 : w->weight,
					    .flags = (w->drain >> j) & 1 ? GFWD_BACKEND_DRAINING : 0 };
		char ip[64];
		snprintf(ip, sizeof(ip), "198.%u.0.%u", j == 0 && w->unroutable ? 19 : 18, last);
		inet_pton(AF_INET, ip, x->addr);
	}
}

static void randomize(uint32_t id)
{
	struct want *w = &wants[id];
	static const uint32_t sizes[] = { 251, 509, 1021 };
	*w = (struct want){ .present = 1, .n = 1 + rnd(MAX_PER), .weight = (uint8_t)(1 + rnd(3)),
			    .sched = (uint8_t)(1 + rnd(5)), .mode = rnd(4) == 0 ? GFWD_MODE_NAT : GFWD_MODE_FULLNAT,
			    .maglev_size = sizes[rnd(3)], .drain = (uint8_t)(rnd(4) == 0 ? rnd(64) : 0) };
	for (uint32_t j = 0; j < w->n; j++)
		w->addr[j] = (uint8_t)(10 + j * 7 + rnd(7));   /* distinct: j*7 apart, 0-6 jitter */
	w->unroutable = rnd(20) == 0;
	w->weight0 = rnd(25) == 0;
	w->twice = w->n > 1 && rnd(25) == 0;
}

/* A small change, as an EndpointSlice makes: one backend's address, or draining. */
static void nudge(uint32_t id)
{
	struct want *w = &wants[id];
	uint32_t j = rnd(w->n);
	if (rnd(2))
		w->addr[j] = (uint8_t)(10 + j * 7 + rnd(7));
	else
		w->drain ^= (uint8_t)(1u << j);
}

static int full_commit(void)
{
	static struct gfwd_service s[IDS];
	static struct gfwd_backend b[IDS * MAX_PER];
	uint32_t n = 0, nb = 0;
	for (uint32_t id = 0; id < IDS; id++)
		if (wants[id].present)
			put_service(id, &s[n++], b, &nb);
	return gfwd_commit(++seq, s, n, b, nb, NULL, 0);
}

/* ------------------------------------------------------------------ comparing configurations */

static const struct service *find(const struct config *c, uint32_t id)
{
	struct gfwd_service_id x = id_of(id);
	struct addr vip = { .q = { 0, 0 } };
	memcpy(vip.b, x.vip, 16);
	return config_find_service(c, &vip, rte_cpu_to_be_16(x.port), x.proto);
}

/* Indexes agree: every running service entry is found where it is, its backends name it, and
 * the entries that run add up to the config's counts (the others are of replaced services). */
static int consistent(const struct config *c)
{
	uint32_t n = 0, nb = 0;
	for (uint32_t i = 0; i < c->svc_end; i++) {
		if (!config_runs(c, i))
			continue;
		const struct service *s = &c->services[i];
		if (config_find_service(c, &s->vip, s->port, s->proto) != s || !config_has_vip(c, &s->vip) ||
		    s->maglev != c->tables[i]->maglev || s->first_backend + s->n_backends > c->be_end)
			return 0;
		for (uint32_t j = 0; j < s->n_backends; j++)
			if (c->backends[s->first_backend + j].service != i || c->backends[s->first_backend + j].retired)
				return 0;
		n++;
		nb += s->n_backends;
	}
	return n == c->n_services && nb == c->n_backends;
}

/* The same service with the same backends (in the same order, the same routes) and tables
 * of the same content. */
static int same_service(const struct config *a, const struct service *x, const struct config *b,
			const struct service *y)
{
	if (x->vip_id != y->vip_id || x->family != y->family || x->mode != y->mode || x->sched != y->sched ||
	    x->n_backends != y->n_backends || x->n_serving != y->n_serving || x->maglev_size != y->maglev_size ||
	    x->affinity_timeout_s != y->affinity_timeout_s || x->wrr_len != y->wrr_len)
		return 0;
	for (uint32_t j = 0; j < x->n_backends; j++) {
		const struct backend *p = &a->backends[x->first_backend + j], *q = &b->backends[y->first_backend + j];
		if (!addr_eq(&p->addr, &q->addr) || p->port != q->port || p->weight != q->weight ||
		    p->flags != q->flags || p->neigh != q->neigh)
			return 0;
	}
	return memcmp(x->maglev, y->maglev, sizeof(uint16_t) * x->maglev_size) == 0 &&
	       memcmp(x->wrr, y->wrr, sizeof(uint16_t) * x->wrr_len) == 0;
}

/* The NAT return index of run holds what full's does: every key's run in run's index has as many
 * entries as full's, each a running NAT service of run with that backend, whose id full has
 * among its own (service entries differ); and every running NAT service's backend is found. */
static int same_nat_returns(const struct config *run, const struct config *full)
{
	const struct nat_index *x = &run->st->nat;
	for (uint32_t h = 0; h <= x->mask; h++) {
		const struct nat_run *r = x->slots[h];
		if ((uintptr_t)r <= 1)
			continue;   /* empty, or a tombstone */
		const struct nat_return *first;
		uint32_t n = config_nat_services(full, r->e[0].family, r->e[0].proto, &r->e[0].addr, r->e[0].port, &first);
		if (n != r->n)
			return 0;
		for (uint32_t i = 0; i < r->n; i++) {
			const struct service *s = &run->services[r->e[i].service];
			if (r->e[i].service >= run->svc_end || !config_runs(run, r->e[i].service) || s->mode != GFWD_MODE_NAT ||
			    config_find_backend(run, s, &r->e[0].addr, r->e[0].port) < 0 || !nat_same_key(&r->e[i], &r->e[0]))
				return 0;
			uint32_t found = 0;
			for (uint32_t j = 0; j < n; j++) {
				const struct service *f = &full->services[first[j].service];
				found |= f->port == s->port && f->proto == s->proto && addr_eq(&f->vip, &s->vip);
			}
			if (!found)
				return 0;
		}
	}
	for (uint32_t i = 0; i < run->svc_end; i++) {
		const struct service *s = &run->services[i];
		if (!config_runs(run, i) || s->mode != GFWD_MODE_NAT)
			continue;
		for (uint32_t j = 0; j < s->n_backends; j++) {
			const struct backend *b = &run->backends[s->first_backend + j];
			const struct nat_return *first;
			uint32_t n = config_nat_services(run, s->family, s->proto, &b->addr, b->port, &first), found = 0;
			for (uint32_t k = 0; k < n; k++)
				found |= first[k].service == i;
			if (!found)
				return 0;
		}
	}
	return 1;
}

/* The running configuration against one built afresh from wants[]: the same services, each
 * the same, and the same ones refused. */
static void compare_with_full(int step, const uint8_t refused_now[IDS])
{
	static struct gfwd_service s[IDS];
	static struct gfwd_backend b[IDS * MAX_PER];
	static struct gfwd_refusal refusals[IDS];
	uint32_t ids[IDS], n = 0, nb = 0, n_refused;
	for (uint32_t id = 0; id < IDS; id++)
		if (wants[id].present) {
			ids[n] = id;
			put_service(id, &s[n++], b, &nb);
		}
	char err[256];
	const struct config *run = dp_config();
	struct config *full = config_build(seq, s, n, b, nb, 1, dp_next_hop, dp_vip_id, refusals, IDS, &n_refused,
					   err, sizeof(err));
	if (full == NULL)
		die(err);
	uint8_t refused_full[IDS] = { 0 };
	for (uint32_t r = 0; r < n_refused; r++)
		refused_full[ids[refusals[r].service]] = 1;
	uint32_t same = 0, wrong_refusal = 0;
	for (uint32_t id = 0; id < IDS; id++) {
		const struct service *x = find(run, id), *y = find(full, id);
		if (x == NULL && y == NULL)
			same++;
		else if (x != NULL && y != NULL)
			same += same_service(run, x, full, y);
		if (refused_now[id] && !refused_full[id])
			wrong_refusal++;
		if (refused_full[id] && x != NULL)
			wrong_refusal++;
	}
	CHECK(same == IDS && run->n_services == full->n_services && run->n_backends == full->n_backends,
	      "step %d: %u of %u services as a full commit runs them (%u and %u services, %u and %u backends)", step,
	      same, IDS, run->n_services, full->n_services, run->n_backends, full->n_backends);
	CHECK(wrong_refusal == 0, "step %d: %u services refused by one and not the other", step, wrong_refusal);
	CHECK(consistent(run), "step %d: the delta-built configuration's indexes agree", step);
	CHECK(same_nat_returns(run, full), "step %d: the NAT return index is a full commit's", step);
	config_free(full);
}

#ifdef DELTA_OOM
static uint32_t oom_failed_deltas, oom_most_allocations;

/* The delta with its k-th allocation failing (k at random among as many as a delta has made):
 * it must fail whole and leave what ran before it (wants_before), tables and counter slots
 * included. Returns 0 when it failed so (the caller then commits it for real), or 1 with *rc
 * when the failure point lay beyond the delta's allocations and it simply ran. */
static int delta_failing_once(int step, struct want wants_before[IDS], const struct gfwd_service *up, uint32_t n_up,
			      const struct gfwd_backend *b, uint32_t nb, const struct gfwd_service_id *gone,
			      uint32_t n_gone, struct gfwd_refusal *refusals, int *rc)
{
	uint64_t running = gfwd_commit_seq();
	uint32_t services = dp_config()->n_services, backends = dp_config()->n_backends;
	oom_countdown = (int32_t)rnd(oom_most_allocations + 2);
	oom_seen = 0;
	oom_hit = 0;
	*rc = gfwd_commit_delta(++seq, up, n_up, b, nb, gone, n_gone, refusals, IDS);
	oom_countdown = -1;
	oom_most_allocations = RTE_MAX(oom_most_allocations, oom_seen);
	if (!oom_hit || *rc >= 0) {
		/* Ran: the failure point lay beyond the build (after publishing, nothing can fail). */
		CHECK(*rc >= 0 && !oom_hit, "step %d: a failed allocation (of %u) let the delta run anyway (%d)", step,
		      oom_seen, *rc);
		return 1;
	}
	oom_failed_deltas++;
	CHECK(*rc == -ENOMEM && gfwd_commit_seq() == running, "step %d: allocation %u failing fails the delta whole "
	      "(%d), the running commit stays %lu (now %lu)", step, oom_seen, *rc, (unsigned long)running,
	      (unsigned long)gfwd_commit_seq());
	static struct want after[IDS];
	memcpy(after, wants, sizeof(wants));
	memcpy(wants, wants_before, sizeof(wants));
	uint8_t none_refused[IDS] = { 0 };
	compare_with_full(step, none_refused);
	memcpy(wants, after, sizeof(wants));
	const struct config *c = dp_config();
	CHECK(c->n_services == services && c->n_backends == backends && tables_live() == services &&
	      traffic_in_use() == services + backends, "step %d: after the failed delta %u services, %u backends, "
	      "%u tables and %u counter slots live (before: %u, %u)", step, c->n_services, c->n_backends, tables_live(),
	      traffic_in_use(), services, backends);
	return 0;
}
#endif

#ifdef DELTA_OOM
static uint32_t oom_failed_fulls, oom_most_full_allocations;

/* The whole state committed with one allocation failing, as delta_failing_once: refused whole
 * (-ENOMEM), the running state, its tables and counter slots as they were. */
static void full_commit_failing_once(int step)
{
	uint64_t running = gfwd_commit_seq();
	uint32_t services = dp_config()->n_services, backends = dp_config()->n_backends;
	oom_countdown = (int32_t)rnd(oom_most_full_allocations + 2);
	oom_seen = 0;
	oom_hit = 0;
	int rc = full_commit();
	oom_countdown = -1;
	oom_most_full_allocations = RTE_MAX(oom_most_full_allocations, oom_seen);
	if (!oom_hit) {
		CHECK(rc >= 0, "step %d: the whole state committed (%d)", step, rc);
		return;
	}
	oom_failed_fulls++;
	CHECK(rc == -ENOMEM && gfwd_commit_seq() == running, "step %d: allocation %u failing fails a whole commit "
	      "(%d), the running commit stays %lu", step, oom_seen, rc, (unsigned long)running);
	uint8_t none_refused[IDS] = { 0 };
	compare_with_full(step, none_refused);
	const struct config *c = dp_config();
	CHECK(c->n_services == services && c->n_backends == backends && tables_live() == services &&
	      traffic_in_use() == services + backends, "step %d: after the failed whole commit %u services, %u tables "
	      "and %u counter slots live (before: %u, %u)", step, c->n_services, tables_live(), traffic_in_use(),
	      services, backends);
}
#endif

/* ------------------------------------------------------------------ one step */

static int delta_step(int step)
{
	static struct gfwd_service up[IDS];
	static struct gfwd_backend b[IDS * MAX_PER];
	static struct gfwd_service_id gone[IDS];
	static struct gfwd_refusal refusals[IDS];
	uint32_t up_ids[IDS], n_up = 0, n_gone = 0, nb = 0;
	uint8_t touched[IDS] = { 0 };
	const uint16_t *tables_before[IDS];
	const struct service *entry_before[IDS];
	const struct config *before = dp_config();
	const struct store *before_st = before->st;
	static struct want before_wants[IDS];
	memcpy(before_wants, wants, sizeof(wants));
	int rc = 0;
	for (uint32_t id = 0; id < IDS; id++) {
		const struct service *s = find(before, id);
		tables_before[id] = s == NULL ? NULL : s->maglev;
		entry_before[id] = s;
	}
	uint32_t changes = 1 + rnd(4);
	for (uint32_t k = 0; k < changes; k++) {
		uint32_t id = rnd(IDS);
		if (touched[id])
			continue;
		touched[id] = 1;
		struct want *w = &wants[id];
		uint32_t what = rnd(10);
		if (w->present && what < 3) {
			w->present = 0;
			gone[n_gone++] = id_of(id);
			continue;
		}
		if (!w->present || what < 5)
			randomize(id);
		else
			nudge(id);
		up_ids[n_up] = id;
		put_service(id, &up[n_up++], b, &nb);
	}
	/* Now and then a removal of what does not run, and an upsert listed twice. */
	if (rnd(10) == 0) {
		uint32_t id = rnd(IDS);
		if (!wants[id].present && !touched[id]) {
			touched[id] = 1;
			gone[n_gone++] = id_of(id);
		}
	}
	uint32_t twice = IDS;   /* the index of an upsert repeated (IDS: none) */
	if (n_up > 0 && rnd(20) == 0) {
		twice = n_up;
		up_ids[n_up] = up_ids[0];
		up[n_up++] = up[0];
	}
#ifdef DELTA_OOM
	if (delta_failing_once(step, before_wants, up, n_up, b, nb, gone, n_gone, refusals, &rc) == 0)
#endif
		rc = gfwd_commit_delta(++seq, up, n_up, b, nb, gone, n_gone, refusals, IDS);
	if (rc < 0)
		die("gfwd_commit_delta");
	uint8_t refused_now[IDS] = { 0 };
	int twice_refused = 0;
	for (int r = 0; r < rc; r++) {
		uint32_t i = refusals[r].service;
		if (i == twice)
			twice_refused = 1;   /* the repeat is refused, not the service */
		else
			refused_now[up_ids[i]] = 1;
	}
	CHECK(twice == IDS || twice_refused, "step %d: an upsert listed twice is refused the second time", step);
	compare_with_full(step, refused_now);

	/* The services the step did not touch kept their tables' memory. */
	const struct config *after = dp_config();
	uint32_t untouched = 0, kept = 0, same_entry = 0;
	for (uint32_t id = 0; id < IDS; id++) {
		if (touched[id] || tables_before[id] == NULL)
			continue;
		untouched++;
		const struct service *s = find(after, id);
		kept += s != NULL && s->maglev == tables_before[id];
		same_entry += s == entry_before[id];
	}
	CHECK(kept == untouched, "step %d: %u of %u untouched services kept their tables", step, kept, untouched);
	/* In the same store, an untouched service is the very entry it was: not copied (store.h). */
	if (after->st == before_st) {
		in_place++;
		CHECK(same_entry == untouched, "step %d: %u of %u untouched services are the entries they were", step,
		      same_entry, untouched);
	}
	struct gfwd_commit_stats st;
	gfwd_commit_stats(&st);
	CHECK(st.seq == seq && st.services == after->n_services && st.tables_reused >= untouched &&
	      st.tables_built + st.tables_reused == after->n_services,
	      "step %d: stats of %u services: %u built, %u reused (%u untouched)", step, after->n_services,
	      st.tables_built, st.tables_reused, untouched);
	CHECK(tables_live() == after->n_services, "step %d: %u tables live for %u services", step, tables_live(),
	      after->n_services);
	/* Counter slots (traffic.h): exactly the running services' and backends', whatever was
	 * refused, replaced or removed (and the fresh configuration compared with is gone). */
	CHECK(traffic_in_use() == after->n_services + after->n_backends, "step %d: %u counter slots in use for %u "
	      "services and %u backends", step, traffic_in_use(), after->n_services, after->n_backends);
	return rc;
}

int main(int argc, char **argv)
{
	live_init(argv[0], "0@0,1@1");
	if (gfwd_start() < 1)
		die("start");
	for (uint32_t id = 0; id < IDS; id += 2)
		randomize(id);
	if (full_commit() < 0)
		die("first commit");
	uint32_t refusals = 0, fulls = 0;
	for (int step = 0; step < STEPS; step++) {
		refusals += (uint32_t)delta_step(step);
#ifdef DELTA_OOM
		if (step % 5 == 0)   /* the whole state, tried with an allocation failing (it may just run) */
			full_commit_failing_once(step);
#endif
		if (rnd(100) == 0) {   /* a reconnect: the agent commits the whole state */
			if (full_commit() < 0)
				die("full commit");
			fulls++;
		}
	}
	CHECK(refusals > 20, "the steps exercised refusals (%u)", refusals);
	CHECK(in_place > STEPS / 2 && in_place < STEPS, "deltas into the running store (%u of %d) and into a fresh one",
	      in_place, STEPS);

	/* What concerns the whole call fails it and leaves the running state. */
	uint64_t running = gfwd_commit_seq();
	CHECK(gfwd_commit_delta(running, NULL, 0, NULL, 0, NULL, 0, NULL, 0) == -ESTALE, "a stale seq is refused");
	CHECK(gfwd_commit_delta(running + 1, NULL, 1, NULL, 0, NULL, 0, NULL, 0) == -EINVAL,
	      "a null array with a count is refused");
	CHECK(gfwd_commit_seq() == running, "and nothing ran");

	/* Everything removed by a delta: no service, no table. */
	static struct gfwd_service_id all[IDS];
	for (uint32_t id = 0; id < IDS; id++)
		all[id] = id_of(id);
	CHECK(gfwd_commit_delta(++seq, NULL, 0, NULL, 0, all, IDS, NULL, 0) == 0 && dp_config()->n_services == 0 &&
	      tables_live() == 0 && traffic_in_use() == 0, "every service removed (%u tables, %u counter slots live)",
	      tables_live(), traffic_in_use());
	gfwd_shutdown();
#ifdef DELTA_OOM
	CHECK(oom_failed_deltas > STEPS / 2, "deltas failed by an allocation: %u of %d (up to %u allocations each)",
	      oom_failed_deltas, STEPS, oom_most_allocations);
	CHECK(oom_failed_fulls > STEPS / 10, "whole commits failed by an allocation: %u of %d", oom_failed_fulls,
	      STEPS / 5);
#endif
	printf("test_delta: %d steps (%u full commits between, %u in the running store), %u refusals, %d checks, "
	       "%d failures\n", STEPS, fulls, in_place, refusals, checks, failures);
#ifdef DELTA_OOM
	printf("test_delta_oom: %u deltas and %u whole commits failed by an allocation (up to %u and %u allocations "
	       "each)\n", oom_failed_deltas, oom_failed_fulls, oom_most_allocations, oom_most_full_allocations);
#endif
	return failures ? 1 : 0;
}
