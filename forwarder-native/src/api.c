/* SPDX-License-Identifier: Apache-2.0
 * gatunfwd.h: start-up, workers, commits and counters. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include "dataplane.h"
#include "delta.h"
#include "housekeeper.h"
#include "last_error.h"
#include "tables.h"
#include "worker.h"

_Static_assert(sizeof(struct gfwd_refusal) == 256, "the bindings' Refusal layout is 256 bytes");
_Static_assert(sizeof(struct gfwd_vip) == 20, "the bindings' Vip layout is 20 bytes");
_Static_assert(sizeof(struct gfwd_conflict) == 24, "the bindings' Conflict layout is 24 bytes");
_Static_assert(sizeof(struct gfwd_commit_stats) == 56, "the bindings' CommitStats layout is 56 bytes");
_Static_assert(sizeof(struct gfwd_service_id) == 20, "the bindings' ServiceId layout is 20 bytes");

static struct gfwd_commit_stats last_commit;   /* written by gfwd_commit only */

int gfwd_abi_version(void)
{
	return GFWD_ABI_VERSION;
}

/* ---------------------------------------------------------------- neighbours */

int gfwd_neighbor_set(uint8_t family, const uint8_t addr[16], const uint8_t mac[6])
{
	if (family != GFWD_AF_INET && family != GFWD_AF_INET6)
		return api_fail(-EINVAL, "family must be 4 or 6");
	struct addr a = { .q = { 0, 0 } };
	memcpy(a.b, addr, family == GFWD_AF_INET ? 4 : 16);
	uint16_t hop = dp_next_hop(&a, family);
	if (hop == NEIGH_NONE)
		return api_fail(-EHOSTUNREACH, "no port is on-link for that neighbour");
	if (neigh_set_static(&dp.neigh, family, &a, dp.neigh.e[hop].port, (const struct rte_ether_addr *)mac) != 0)
		return api_fail(-ENOSPC, "neighbour table full");
	return 0;
}

/* ---------------------------------------------------------------- life cycle */

int gfwd_init(int argc, char **argv)
{
	if (dp.pool != NULL)
		return api_fail(-EALREADY, "gfwd_init() was already called");
	/* EAL pins its caller to the main lcore's core. The caller is the agent's main thread, and
	 * every thread it starts later (the fleet's advertisements, gRPC, probes, the housekeeper)
	 * would inherit that one core: with forwarders sharing cores (tests, the demo) every agent
	 * crowded onto the same core, and a fleet thread waiting there tens of milliseconds looked
	 * dead to its peers at short intervals. The main lcore does no packet work (the workers
	 * do), so the caller keeps the CPUs it had; its lcore id is unaffected. */
	cpu_set_t before;
	bool restore = pthread_getaffinity_np(pthread_self(), sizeof(before), &before) == 0;
	if (rte_eal_init(argc, argv) < 0)
		return api_fail(-rte_errno, "EAL initialisation failed: %s", rte_strerror(rte_errno));
	if (restore)
		pthread_setaffinity_np(pthread_self(), sizeof(before), &before);

	/* GATUN_MBUFS: a bigger pool, e.g. for a benchmark replaying a large capture. */
	const char *mbufs = getenv("GATUN_MBUFS");
	unsigned pool_size = mbufs != NULL ? (unsigned)strtoul(mbufs, NULL, 10) : MBUF_POOL_SIZE;
	if (dp_init(pool_size) != 0)
		return api_fail(-ENOMEM, "out of memory at start-up (give EAL more with -m)");

	char err[256];
	uint32_t none;
	dp.config = config_build(0, NULL, 0, NULL, 0, 1, dp_next_hop, dp_vip_id, NULL, 0, &none, err, sizeof(err));
	if (dp.config == NULL)
		return api_fail(-ENOMEM, "%s", err);
	dp.config->published = true;

	unsigned lcore, n = 0;
	RTE_LCORE_FOREACH_WORKER(lcore)
		n++;
	if (n > 1) {   /* the empty config needs a counter block per worker too */
		config_free(dp.config);
		dp.config = config_build(0, NULL, 0, NULL, 0, n, dp_next_hop, dp_vip_id, NULL, 0, &none, err,
					 sizeof(err));
		if (dp.config == NULL)
			return api_fail(-ENOMEM, "%s", err);
		dp.config->published = true;
	}
	if (n > MAX_WORKERS)
		return api_fail(-EINVAL, "%u worker lcores exceed the limit of %d", n, MAX_WORKERS);
	dp.n_workers = n;
	/* GATUN_FLOWS: connections per worker, e.g. more for a benchmark at a million flows. */
	const char *flows = getenv("GATUN_FLOWS");
	uint32_t capacity = flows != NULL ? (uint32_t)strtoul(flows, NULL, 10) : FLOW_TABLE_FLOWS;
	if (capacity == 0 || capacity > FLOW_TABLE_MAX_FLOWS)
		return api_fail(-EINVAL, "GATUN_FLOWS=%s: connections per worker must be 1 to %u (a flow reference holds 24 bits)",
				flows, FLOW_TABLE_MAX_FLOWS);
	unsigned i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		dp.workers[i] = worker_create(i, n, lcore, capacity, (int)rte_lcore_to_socket_id(lcore));
		if (dp.workers[i] == NULL)
			return api_fail(-ENOMEM, "cannot allocate worker %u's flow table (give EAL more with -m)", i);
		i++;
	}
	return 0;
}

int gfwd_start(void)
{
	if (dp.started)
		return api_fail(-EALREADY, "already started");
	if (dp.n_workers == 0)
		return api_fail(-EINVAL, "no worker lcore: give EAL at least two lcores (-l 0-1)");
	if (dp.n_ports == 0)
		return api_fail(-EINVAL, "no port was added");
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		int rc = rte_eth_dev_start(dp.ports[p].eth_port);
		if (rc != 0)
			return api_fail(rc, "port %s failed to start", dp.ports[p].name);
		if (dp.ports[p].to_kernel != NULL && (rc = rte_eth_dev_start(dp.ports[p].kernel_eth)) != 0)
			return api_fail(rc, "kernel interface %s of port %s failed to start", dp.ports[p].kernel_name,
					dp.ports[p].name);
	}
	dp.running = true;
	for (unsigned i = 0; i < dp.n_workers; i++) {
		dp.workers[i]->cfg_seen = NULL;   /* commits while it was stopped did not wait for it */
		int rc = rte_eal_remote_launch(worker_main, dp.workers[i], dp.workers[i]->lcore_id);
		if (rc != 0) {
			gfwd_stop();
			return api_fail(rc, "cannot launch worker %u", i);
		}
	}
	dp.started = true;
	int rc = housekeeper_start();
	if (rc != 0) {
		gfwd_stop();
		return api_fail(rc, "cannot start the housekeeping thread");
	}
	return (int)dp.n_workers;
}

void gfwd_stop(void)
{
	if (!dp.running && !dp.started)
		return;
	dp.running = false;
	rte_eal_mp_wait_lcore();
	if (dp.started)
		housekeeper_stop();
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		rte_eth_dev_stop(dp.ports[p].eth_port);
		if (dp.ports[p].to_kernel != NULL)
			rte_eth_dev_stop(dp.ports[p].kernel_eth);
	}
	dp.started = false;
}

void gfwd_shutdown(void)
{
	gfwd_stop();
	for (uint16_t p = 0; p < dp.n_ports; p++)
		rte_eth_dev_close(dp.ports[p].eth_port);
	rte_eal_cleanup();
}

/* ---------------------------------------------------------------- configuration */

static uint64_t cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)((double)cycles * 1e9 / (double)rte_get_timer_hz());
}

static void record_commit(const struct config *c, uint64_t start, uint64_t built, uint64_t end)
{
	last_commit = (struct gfwd_commit_stats){
		.seq = c->seq, .services = c->n_services, .tables_built = c->tables_built,
		.tables_reused = c->tables_reused, .bytes_allocated = c->table_bytes_built + c->own_bytes,
		.table_bytes = c->table_bytes, .build_ns = cycles_to_ns(built - start),
		.commit_ns = cycles_to_ns(end - start),
	};
}

/* Publishes c over the running config and frees that one once no worker can read it. The
 * counters need nothing: c counts into the same slots as old for everything it kept
 * (traffic.h), so workers still on old and those already on c add to the same totals. */
static int publish(struct config *c, uint64_t start)
{
	struct config *old = dp.config;
	uint64_t built = rte_get_timer_cycles();
	c->published = true;
	__atomic_store_n(&dp.config, c, __ATOMIC_RELEASE);
	/* Every worker has passed a quiescent point: none can still read `old` from before. */
	rte_rcu_qsbr_synchronize(dp.rcu, RTE_QSBR_THRID_INVALID);
	/* And each has taken c as its own (w->cfg, which the sweep reads between turns). */
	for (unsigned i = 0; dp.started && i < dp.n_workers; i++)
		while (__atomic_load_n(&dp.workers[i]->cfg_seen, __ATOMIC_ACQUIRE) != c)
			rte_pause();
	config_free(old);
	/* No worker counts into what only old had: those slots may be taken again. */
	config_give_dropped(c);
	if (dp.started)
		housekeeper_run_once();   /* ask for new backends now, not at the next tick */
	record_commit(c, start, built, rte_get_timer_cycles());
	return 0;
}

int gfwd_commit(uint64_t seq,
		const struct gfwd_service *services, uint32_t n_services,
		const struct gfwd_backend *backends, uint32_t n_backends,
		struct gfwd_refusal *refusals, uint32_t refusals_cap)
{
	struct config *old = dp.config;
	if (seq <= old->seq)
		return api_fail(-ESTALE, "commit %lu is not newer than the running %lu",
				(unsigned long)seq, (unsigned long)old->seq);
	if ((n_services && services == NULL) || (n_backends && backends == NULL) ||
	    (refusals_cap && refusals == NULL))
		return api_fail(-EINVAL, "null array with a non-zero count");
	uint64_t start = rte_get_timer_cycles();
	char err[256];
	uint32_t refused;
	struct config *c = config_build_over(old, seq, services, n_services, backends, n_backends, dp.n_workers,
					     dp_next_hop, dp_vip_id, refusals, refusals_cap, &refused, err, sizeof(err));
	if (c == NULL)
		return api_fail(n_services > MAX_SERVICES ? -EINVAL : -ENOMEM, "%s", err);
	int rc = publish(c, start);
	return rc < 0 ? rc : (int)refused;
}

int gfwd_commit_delta(uint64_t seq,
		      const struct gfwd_service *upserts, uint32_t n_upserts,
		      const struct gfwd_backend *backends, uint32_t n_backends,
		      const struct gfwd_service_id *removed, uint32_t n_removed,
		      struct gfwd_refusal *refusals, uint32_t refusals_cap)
{
	struct config *old = dp.config;
	if (seq <= old->seq)
		return api_fail(-ESTALE, "commit %lu is not newer than the running %lu",
				(unsigned long)seq, (unsigned long)old->seq);
	if ((n_upserts && upserts == NULL) || (n_backends && backends == NULL) ||
	    (n_removed && removed == NULL) || (refusals_cap && refusals == NULL))
		return api_fail(-EINVAL, "null array with a non-zero count");
	uint64_t start = rte_get_timer_cycles();
	char err[256];
	uint32_t refused;
	int whole;
	struct config *c = config_build_delta(old, seq, upserts, n_upserts, backends, n_backends, removed,
					      n_removed, dp.n_workers, dp_next_hop, dp_vip_id, refusals,
					      refusals_cap, &refused, &whole, err, sizeof(err));
	if (c == NULL)
		return api_fail(whole, "%s", err);
	int rc = publish(c, start);
	return rc < 0 ? rc : (int)refused;
}

int gfwd_commit_stats(struct gfwd_commit_stats *out)
{
	if (out == NULL)
		return api_fail(-EINVAL, "null stats");
	*out = last_commit;
	return 0;
}

int gfwd_worker_loops(uint64_t *loops, uint32_t n)
{
	for (uint32_t i = 0; i < n && i < dp.n_workers; i++)
		loops[i] = __atomic_load_n(&dp.workers[i]->loops, __ATOMIC_RELAXED);
	return (int)dp.n_workers;
}

uint64_t gfwd_commit_seq(void)
{
	return dp_config()->seq;
}

/* ---------------------------------------------------------------- counters */

static const char *const counter_names[COUNTER_TOTAL] = {
#define X(id, name) name,
	GFWD_EVENTS(X)
#undef X
#define X(id, name) "drop_" name,
	GFWD_DROPS(X)
#undef X
};

uint32_t gfwd_counter_count(void)
{
	return COUNTER_TOTAL;
}

const char *gfwd_counter_name(uint32_t i)
{
	return i < COUNTER_TOTAL ? counter_names[i] : NULL;
}

static void add_counters(uint64_t *values, uint32_t n, const struct counters *c)
{
	for (uint32_t i = 0; i < n && i < EV_MAX; i++)
		values[i] += c->event[i];
	for (uint32_t i = EV_MAX; i < n && i < COUNTER_TOTAL; i++)
		values[i] += c->drop[i - EV_MAX];
}

int gfwd_traffic_sizes(uint32_t *n_services, uint32_t *n_backends)
{
	const struct config *c = dp_config();
	*n_services = c->n_services;
	*n_backends = c->n_backends;
	return 0;
}

/* Both output structs end in the same four counters. */
#define FILL_TRAFFIC(o, t) do {                                                  \
	(o)->packets = (t).packets;                                              \
	(o)->bytes = (t).bytes;                                                  \
	(o)->new_flows = (t).new_flows;                                          \
	(o)->active_flows = (t).active > 0 ? (uint64_t)(t).active : 0;           \
} while (0)

int gfwd_traffic_read(struct gfwd_service_traffic *services, uint32_t svc_cap,
		      struct gfwd_backend_traffic *backends, uint32_t backend_cap)
{
	const struct config *c = dp_config();
	if (svc_cap < c->n_services || backend_cap < c->n_backends)
		return api_fail(-ENOSPC, "%u services and %u backends do not fit %u and %u",
				c->n_services, c->n_backends, svc_cap, backend_cap);
	uint32_t n = 0, nb = 0;   /* the running service entries, in order, and their backends */
	for (uint32_t i = 0; i < c->svc_end && n < svc_cap; i++) {
		if (!config_runs(c, i))
			continue;
		const struct service *s = &c->services[i];
		struct gfwd_service_traffic *o = &services[n];
		memset(o, 0, sizeof(*o));
		memcpy(o->vip, s->vip.b, 16);
		o->family = s->family;
		o->proto = s->proto;
		o->port = rte_be_to_cpu_16(s->port);
		o->first_backend = nb;
		o->n_backends = s->n_backends;
		struct traffic t = config_service_traffic(c, i);
		FILL_TRAFFIC(o, t);
		for (uint32_t j = 0; j < s->n_backends && nb < backend_cap; j++) {
			const struct backend *b = &c->backends[s->first_backend + j];
			struct gfwd_backend_traffic *ob = &backends[nb++];
			memset(ob, 0, sizeof(*ob));
			memcpy(ob->addr, b->addr.b, 16);
			ob->family = s->family;
			ob->flags = b->flags;
			ob->port = rte_be_to_cpu_16(b->port);
			ob->service = n;
			struct traffic tb = config_backend_traffic(c, s->first_backend + j);
			FILL_TRAFFIC(ob, tb);
			ob->syns = tb.passive.syns;
			ob->syn_retransmits = tb.passive.syn_retransmits;
			ob->syn_acks = tb.passive.syn_acks;
			ob->syn_resets = tb.passive.syn_resets;
			ob->unreachable = tb.passive.unreachable;
			ob->udp_port_unreachable = tb.passive.udp_port_unreachable;
		}
		n++;
	}
	return (int)n;
}

int gfwd_counters_read(uint64_t *values, uint32_t n)
{
	if (values == NULL)
		return api_fail(-EINVAL, "null values");
	memset(values, 0, sizeof(uint64_t) * n);
	for (unsigned w = 0; w < dp.n_workers; w++) {
		add_counters(values, n, &dp.workers[w]->cnt);
		if (EV_FLOWS_EVICTED < n)
			values[EV_FLOWS_EVICTED] += dp.workers[w]->flows->evicted;   /* kept by the table */
	}
	add_counters(values, n, &control_counters);
	return (int)RTE_MIN(n, (uint32_t)COUNTER_TOTAL);
}
