/* SPDX-License-Identifier: Apache-2.0
 * A control-side thread (not an lcore): asks for neighbours that are unresolved or have
 * not been heard from for a while, and forgets those that stopped answering. */
#include <pthread.h>
#include <unistd.h>
#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include "api_internal.h"
#include "counters.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static volatile bool stopping;
struct counters control_counters;

static void arp_request(const struct port *port, uint16_t port_idx, const struct addr *target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL) {
		control_counters.drop[DROP_NO_MBUF]++;
		return;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr));
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	rte_ether_addr_copy(&port->mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&port->mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = port->addr.v4;
	memset(&a->arp_data.arp_tha, 0, RTE_ETHER_ADDR_LEN);
	a->arp_data.arp_tip = target->v4;
	if (dp_ctrl_send(port_idx, m) == 0)
		control_counters.event[EV_ARP_REQUESTS]++;
	else
		control_counters.drop[DROP_TX_FULL]++;
}

void housekeeper_run_once(void)
{
	pthread_mutex_lock(&lock);
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	uint64_t retry = hz * NEIGH_RETRY_MS / 1000;
	for (uint32_t i = 0; i < NEIGH_MAX; i++) {
		struct neigh *n = &dp.neigh.e[i];
		if (!__atomic_load_n(&n->used, __ATOMIC_ACQUIRE))
			continue;
		uint64_t seen = __atomic_load_n(&n->seen_tsc, __ATOMIC_RELAXED);
		bool valid = __atomic_load_n(&n->mac, __ATOMIC_RELAXED) & NEIGH_VALID;
		if (valid && now - seen > NEIGH_STALE_S * hz) {
			__atomic_store_n(&n->mac, 0, __ATOMIC_RELAXED);
			valid = false;
		}
		bool ask = now - n->asked_tsc >= retry &&
			   (!valid || now - seen >= NEIGH_REFRESH_S * hz);
		if (ask) {
			arp_request(&dp.ports[n->port], n->port, &n->ip);
			n->asked_tsc = now;
		}
	}
	pthread_mutex_unlock(&lock);
}

static void *housekeeper_main(void *arg)
{
	(void)arg;
	while (!stopping) {
		housekeeper_run_once();
		usleep(SERVICE_TICK_MS * 1000);
	}
	return NULL;
}

int housekeeper_start(void)
{
	stopping = false;
	int rc = pthread_create(&thread, NULL, housekeeper_main, NULL);
	if (rc == 0)
		pthread_setname_np(thread, "gfwd-housekeep");
	return -rc;
}

void housekeeper_stop(void)
{
	stopping = true;
	pthread_join(thread, NULL);
}
