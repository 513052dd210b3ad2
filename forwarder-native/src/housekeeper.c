/* SPDX-License-Identifier: Apache-2.0
 * A control-side thread (not an lcore): asks for neighbours that are unresolved or have
 * not been heard from for a while, forgets those that stopped answering, and sends the
 * announcements (gratuitous ARP, unsolicited NA) a VIP takeover asked for. */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include "arp.h"
#include "dataplane.h"
#include "housekeeper.h"
#include "last_error.h"
#include "ndp.h"

#define MAX_ANNOUNCEMENTS 256

struct announcement {
	struct addr addr;
	uint8_t family;
	uint32_t left;            /* rounds still to send */
	uint64_t interval_tsc;
	uint64_t next_tsc;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static volatile bool stopping;
static struct announcement announcements[MAX_ANNOUNCEMENTS];
struct counters control_counters;

static void send_ctrl(uint16_t port, struct rte_mbuf *m, enum gfwd_event what)
{
	if (m == NULL) {
		control_counters.drop[DROP_NO_MBUF]++;
		return;
	}
	if (dp_ctrl_send(port, m) == 0)
		control_counters.event[what]++;
	else
		control_counters.drop[DROP_CONTROL_RING_FULL]++;
}

static void maintain_neighbours(uint64_t now, uint64_t hz)
{
	uint64_t retry = hz * NEIGH_RETRY_MS / 1000;
	for (uint32_t i = 0; i < NEIGH_MAX; i++) {
		struct neigh *n = &dp.neigh.e[i];
		if (!__atomic_load_n(&n->used, __ATOMIC_ACQUIRE) || n->is_static)
			continue;
		uint64_t seen = __atomic_load_n(&n->seen_tsc, __ATOMIC_RELAXED);
		bool valid = __atomic_load_n(&n->mac, __ATOMIC_RELAXED) & NEIGH_VALID;
		if (valid && now - seen > NEIGH_STALE_S * hz) {
			__atomic_store_n(&n->mac, 0, __ATOMIC_RELAXED);
			valid = false;
		}
		bool ask = now - n->asked_tsc >= retry && (!valid || now - seen >= NEIGH_REFRESH_S * hz);
		if (!ask)
			continue;
		n->asked_tsc = now;
		if (n->family == GFWD_AF_INET)
			send_ctrl(n->port, arp_request(n->port, &n->ip), EV_ARP_REQUESTS);
		else
			send_ctrl(n->port, nd_solicit(n->port, &n->ip), EV_ND_SOLICITS);
	}
}

static void send_announcements(uint64_t now)
{
	for (int i = 0; i < MAX_ANNOUNCEMENTS; i++) {
		struct announcement *a = &announcements[i];
		if (a->left == 0 || now < a->next_tsc)
			continue;
		for (uint16_t p = 0; p < dp.n_ports; p++) {
			if (!dp.ports[p].a[fam(a->family)].present)
				continue;
			send_ctrl(p, a->family == GFWD_AF_INET ? arp_gratuitous(p, &a->addr)
							       : nd_unsolicited_advert(p, &a->addr),
				  EV_GARPS_SENT);
		}
		a->left--;
		a->next_tsc = now + a->interval_tsc;
	}
}

void housekeeper_run_once(void)
{
	pthread_mutex_lock(&lock);
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	maintain_neighbours(now, hz);
	send_announcements(now);
	pthread_mutex_unlock(&lock);
}

int gfwd_announce(uint8_t family, const uint8_t addr[16], uint32_t count, uint32_t interval_ms)
{
	if (family != GFWD_AF_INET && family != GFWD_AF_INET6)
		return api_fail(-EINVAL, "family must be 4 or 6");
	if (count == 0 || count > 100)
		return api_fail(-EINVAL, "announce 1 to 100 times, not %u", count);
	struct addr a = { .q = { 0, 0 } };
	memcpy(a.b, addr, family == GFWD_AF_INET ? 4 : 16);
	pthread_mutex_lock(&lock);
	struct announcement *slot = NULL;
	for (int i = 0; i < MAX_ANNOUNCEMENTS; i++) {
		struct announcement *x = &announcements[i];
		if (x->left > 0 && x->family == family && addr_eq(&x->addr, &a)) {
			slot = x;   /* announcing again restarts the series */
			break;
		}
		if (slot == NULL && x->left == 0)
			slot = x;
	}
	if (slot == NULL) {
		pthread_mutex_unlock(&lock);
		return api_fail(-EBUSY, "%d announcements already in progress", MAX_ANNOUNCEMENTS);
	}
	*slot = (struct announcement){
		.addr = a, .family = family, .left = count,
		.interval_tsc = rte_get_tsc_hz() * interval_ms / 1000, .next_tsc = 0,
	};
	pthread_mutex_unlock(&lock);
	if (dp.started)
		housekeeper_run_once();   /* the first one now, not at the next tick */
	return 0;
}

uint64_t housekeeper_sleep_us(void)
{
	pthread_mutex_lock(&lock);
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	uint64_t wait = hz * SERVICE_TICK_MS / 1000;
	for (int i = 0; i < MAX_ANNOUNCEMENTS; i++) {
		const struct announcement *a = &announcements[i];
		if (a->left > 0)
			wait = RTE_MIN(wait, a->next_tsc > now ? a->next_tsc - now : 0);
	}
	pthread_mutex_unlock(&lock);
	return wait * 1000000 / hz;
}

static void *housekeeper_main(void *arg)
{
	(void)arg;
	while (!stopping) {
		housekeeper_run_once();
		usleep((useconds_t)housekeeper_sleep_us());
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
