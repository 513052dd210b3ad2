/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <stdio.h>
#include "dataplane.h"
#include "kernel.h"
#include "pipeline.h"
#include "worker.h"

/* A flow ended: it no longer counts as active for its service and backend, where the
 * current config still has them (a removed one's counters went with the old config). */
static void worker_flow_ended(void *ctx, const struct flow *f)
{
	struct worker *w = ctx;
	if (f->snat_port != 0) {   /* full NAT: its port is free again */
		struct snat_key k = snat_key_of(w->flows, f);
		snat_port_release(&w->snat, &k, f->snat_port);
	}
	const struct config *cfg = w->cfg;
	if (cfg == NULL)
		return;
	uint32_t bi = f->backend_idx;
	const struct backend *b = flow_backend_in(cfg, &bi, f->vip_id, &dp.vips[f->vip_id], f->vport, f->proto,
						  flow_backend_addr(w->flows, f), f->backend_port);
	if (b != NULL) {   /* its service's count is its backends' */
		traffic_of(cfg, w->index, b)->active--;
		return;
	}
	/* Its backend left the service, and that backend's counts went to the service's slot. */
	const struct service *s = config_find_service(cfg, &dp.vips[f->vip_id], f->vport, f->proto);
	if (s != NULL)
		traffic_service(cfg, w->index, (uint32_t)(s - cfg->services))->active--;
}

struct worker *worker_create(unsigned index, unsigned n_workers, unsigned lcore_id,
			     uint32_t flow_capacity, int socket)
{
	struct worker *w = rte_zmalloc_socket("worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return NULL;
	w->index = index;
	w->lcore_id = lcore_id;
	w->flows = flow_table_create(flow_capacity, socket, dp.vips, dp.snat_addrs);
	if (w->flows == NULL) {
		rte_free(w);
		return NULL;
	}
	w->flows->on_remove = worker_flow_ended;
	w->flows->on_remove_ctx = w;
	w->affinity = rte_zmalloc_socket("affinity", AFFINITY_SLOTS * sizeof(struct affinity),
					 RTE_CACHE_LINE_SIZE, socket);
	static unsigned created;   /* ring names are global: tests create several workers 0 */
	char name[RTE_RING_NAMESIZE];
	snprintf(name, sizeof(name), "gfwd_inbox_%u_%u", index, __atomic_fetch_add(&created, 1, __ATOMIC_RELAXED));
	w->inbox = rte_ring_create(name, HANDOFF_RING_SIZE, socket, RING_F_SC_DEQ);
	if (w->affinity == NULL || w->inbox == NULL || frag_table_init(&w->frags, index, n_workers, socket) != 0) {
		worker_free(w);
		return NULL;
	}
	/* Disjoint SNAT port ranges: a reply's destination port names the worker's flow. */
	uint32_t share = (SNAT_PORT_LAST - SNAT_PORT_FIRST + 1) / (n_workers ? n_workers : 1);
	w->snat_first = (uint16_t)(SNAT_PORT_FIRST + index * share);
	w->snat_last = (uint16_t)(w->snat_first + share - 1);
	if (snat_ports_init(&w->snat, w->snat_first, w->snat_last, socket) != 0) {
		worker_free(w);
		return NULL;
	}
	worker_tick(w);
	uint64_t per_flow = rte_get_tsc_hz() * FLOW_SWEEP_PERIOD_MS / 1000 / flow_capacity;
	w->sweep_tsc_per_flow = per_flow ? per_flow : 1;
	w->sweep_tsc = w->now_tsc;
	return w;
}

void worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	flow_table_free(w->flows);
	snat_ports_free(&w->snat);
	frag_table_free(&w->frags);
	rte_free(w->affinity);
	rte_ring_free(w->inbox);
	rte_free(w);
}

void worker_tick(struct worker *w)
{
	w->now_tsc = rte_rdtsc();
	if (unlikely(w->now_tsc >= w->next_second_tsc)) {   /* a division once a second, not every turn */
		uint64_t hz = rte_get_tsc_hz();
		w->second = (uint32_t)(w->now_tsc / hz);
		w->next_second_tsc = ((uint64_t)w->second + 1) * hz;
	}
	w->now = w->second;
}

void worker_sweep(struct worker *w)
{
	uint64_t behind = w->now_tsc - w->sweep_tsc;
	if (likely(behind < w->sweep_tsc_per_flow))
		return;
	/* After a long stall, catch up one period at most: older debt is the same flows again. */
	uint64_t period = w->sweep_tsc_per_flow * w->flows->capacity;
	if (unlikely(behind > period)) {
		w->sweep_tsc = w->now_tsc - period;
		behind = period;
	}
	uint64_t due = behind / w->sweep_tsc_per_flow;
	if (due > FLOW_SWEEP_MAX)
		due = FLOW_SWEEP_MAX;
	w->sweep_tsc += due * w->sweep_tsc_per_flow;
	flow_sweep(w->flows, w->now, (uint32_t)due);
}

void worker_flush(struct worker *w)
{
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		struct tx_queue *q = &w->tx[p];
		if (q->n == 0)
			continue;
		uint64_t bytes = 0;
		for (uint16_t i = 0; i < q->n; i++)
			bytes += rte_pktmbuf_pkt_len(q->m[i]);
		uint16_t sent = rte_eth_tx_burst(dp.ports[p].eth_port, (uint16_t)w->index, q->m, q->n);
		for (uint16_t i = sent; i < q->n; i++) {
			bytes -= rte_pktmbuf_pkt_len(q->m[i]);
			w->cnt.drop[DROP_TX_FULL]++;
			rte_pktmbuf_free(q->m[i]);
		}
		w->cnt.event[EV_TX_PACKETS] += sent;
		w->cnt.event[EV_TX_BYTES] += bytes;
		q->n = 0;
	}
}

/* Worker 0 also sends what the control side queued (ARP requests, gratuitous ARP, the
 * agent's frames). Returns how many. */
static unsigned drain_control(struct worker *w)
{
	unsigned n = 0;
	for (uint16_t p = 0; p < dp.n_ports; p++) {
		struct tx_queue *q = &w->tx[p];
		unsigned k = rte_ring_dequeue_burst(dp.ports[p].ctrl_tx, (void **)&q->m[q->n], TXQ_CAP - q->n, NULL);
		q->n += (uint16_t)k;
		n += k;
	}
	return n;
}

/* l3fwd-power style, for machines where forwarders share cores: after a run of empty turns
 * pause, then sleep, longer each time up to the cap; any packet resets it. With the cap at
 * 0 (the default) this is one load and a branch per turn. */
static inline void idle_backoff(struct worker *w, bool busy)
{
	uint32_t cap = __atomic_load_n(&dp.idle_sleep_us, __ATOMIC_RELAXED);
	if (likely(busy || cap == 0)) {
		w->idle_polls = 0;
		w->idle_sleep_us = 0;
		return;
	}
	if (++w->idle_polls < IDLE_POLLS_BEFORE_PAUSE)
		return;
	if (w->idle_polls < IDLE_POLLS_BEFORE_SLEEP) {
		rte_pause();
		return;
	}
	w->idle_sleep_us = w->idle_sleep_us ? RTE_MIN(w->idle_sleep_us * 2, cap) : 1;
	rte_delay_us_sleep(w->idle_sleep_us);
}

/* Keeps what this worker owns, hands the rest to their owners (m->port carries the port
 * index across). Returns how many are left in pkts. */
static uint16_t hand_off(struct worker *w, const struct config *cfg, uint16_t port,
			 struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept = 0;
	for (uint16_t i = 0; i < n; i++) {
		unsigned owner = pipeline_owner(cfg, port, pkts[i], w->index);
		if (owner == w->index) {
			pkts[kept++] = pkts[i];
			continue;
		}
		pkts[i]->port = port;
		if (rte_ring_enqueue(dp.workers[owner]->inbox, pkts[i]) == 0) {
			w->cnt.event[EV_HANDOFFS]++;
		} else {
			w->cnt.drop[DROP_HANDOFF_FULL]++;
			rte_pktmbuf_free(pkts[i]);
		}
	}
	return kept;
}

static unsigned drain_inbox(struct worker *w, const struct config *cfg)
{
	struct rte_mbuf *pkts[BURST_SIZE];
	unsigned n = rte_ring_dequeue_burst(w->inbox, (void **)pkts, BURST_SIZE, NULL);
	for (unsigned i = 0; i < n; i++)   /* one at a time: each names its own port */
		pipeline_burst(w, cfg, pkts[i]->port, &pkts[i], 1);
	return n;
}

void worker_adopt(struct worker *w, const struct config *cfg)
{
	w->cfg = cfg;
	__atomic_store_n(&w->cfg_seen, cfg, __ATOMIC_RELEASE);
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *pkts[BURST_SIZE];

	rte_rcu_qsbr_thread_register(dp.rcu, w->lcore_id);
	rte_rcu_qsbr_thread_online(dp.rcu, w->lcore_id);
	while (dp.running) {
		__atomic_store_n(&w->loops, w->loops + 1, __ATOMIC_RELAXED);
		worker_tick(w);
		const struct config *cfg = dp_config();
		if (unlikely(cfg != w->cfg_seen))
			worker_adopt(w, cfg);
		unsigned got = 0;
		for (uint16_t p = 0; p < dp.n_ports; p++) {
			if (w->index >= dp.ports[p].n_rx_queues)
				continue;
			uint16_t n = rte_eth_rx_burst(dp.ports[p].eth_port, (uint16_t)w->index, pkts, BURST_SIZE);
			if (n == 0)
				continue;
			got += n;
			/* Cycles per packet (rte_rdtsc around each burst: handoff, pipeline, tx). */
			uint64_t t0 = rte_rdtsc();
			w->cnt.event[EV_BURST_PACKETS] += n;
			if (dp.n_workers > 1)
				n = hand_off(w, cfg, p, pkts, n);
			if (n > 0)
				pipeline_burst(w, cfg, p, pkts, n);
			worker_flush(w);
			w->cnt.event[EV_BUSY_CYCLES] += rte_rdtsc() - t0;
		}
		if (dp.n_workers > 1)
			got += drain_inbox(w, cfg);
		if (w->index == 0)
			got += drain_control(w) + kernel_poll(w);
		worker_flush(w);
		w->cfg = cfg;
		worker_sweep(w);
		/* Done with cfg: a commit waiting to free it may go on. */
		rte_rcu_qsbr_quiescent(dp.rcu, w->lcore_id);
		idle_backoff(w, got > 0);
	}
	rte_rcu_qsbr_thread_offline(dp.rcu, w->lcore_id);
	rte_rcu_qsbr_thread_unregister(dp.rcu, w->lcore_id);
	return 0;
}
