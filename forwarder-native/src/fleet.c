/* SPDX-License-Identifier: Apache-2.0
 * gatunfwd.h, the fleet: frames the agent sends through worker 0 and the frames and reports
 * the workers punt to it, and the addresses it owns. */
#include <errno.h>
#include <string.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include "dataplane.h"
#include "housekeeper.h"
#include "last_error.h"

int gfwd_send_frame(uint16_t port, const uint8_t *frame, uint32_t len)
{
	if (port >= dp.n_ports)
		return api_fail(-EINVAL, "no port %u (there are %u)", port, dp.n_ports);
	if (frame == NULL)
		return api_fail(-EINVAL, "null frame");
	/* An Ethernet header, at most an MTU of payload behind an 802.1Q tag. */
	uint32_t max = (uint32_t)dp.ports[port].mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	if (len < RTE_ETHER_HDR_LEN || len > max)
		return api_fail(-EMSGSIZE, "a frame for port %s has %u to %u bytes (Ethernet header first, no FCS), not %u",
				dp.ports[port].name, RTE_ETHER_HDR_LEN, max, len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL) {
		control_counters.drop[DROP_NO_MBUF]++;
		return api_fail(-ENOBUFS, "no mbuf left for a frame to send");
	}
	char *dst = rte_pktmbuf_append(m, (uint16_t)len);
	if (dst == NULL) {
		rte_pktmbuf_free(m);
		return api_fail(-EMSGSIZE, "a frame of %u bytes does not fit an mbuf", len);
	}
	memcpy(dst, frame, len);
	if (dp_ctrl_send(port, m) != 0) {
		control_counters.drop[DROP_CONTROL_RING_FULL]++;
		return api_fail(-ENOBUFS, "port %s: %u frames wait for worker 0 already (is it looping?)",
				dp.ports[port].name, CONTROL_RING_SIZE - 1);
	}
	return 0;
}

int gfwd_punt_read(uint8_t *buf, uint32_t cap, uint16_t *port, uint8_t *kind)
{
	if ((buf == NULL && cap > 0) || port == NULL || kind == NULL)
		return api_fail(-EINVAL, "null buffer, port or kind");
	struct rte_mbuf *m;
	if (rte_ring_sc_dequeue(dp.punt, (void **)&m) != 0)
		return 0;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	*port = m->port;
	*kind = (uint8_t)m->hash.usr;
	if (len > cap) {
		rte_pktmbuf_free(m);
		return api_fail(-EMSGSIZE, "a punted frame of %u bytes exceeds the buffer of %u", len, cap);
	}
	const void *data = rte_pktmbuf_read(m, 0, len, buf);
	if (data != buf)
		memcpy(buf, data, len);
	rte_pktmbuf_free(m);
	return (int)len;
}

/* Publishes s (NULL: every VIP of the configuration) and frees the set it replaces once no
 * worker can still be reading it. */
static void owned_publish(struct owned_set *s)
{
	struct owned_set *old = __atomic_exchange_n(&dp.owned, s, __ATOMIC_ACQ_REL);
	rte_rcu_qsbr_synchronize(dp.rcu, RTE_QSBR_THRID_INVALID);
	owned_free(old);
}

int gfwd_owned_set(const struct gfwd_vip *vips, uint32_t n)
{
	if (n > 0 && vips == NULL)
		return api_fail(-EINVAL, "null owned addresses with a count of %u", n);
	char err[256];
	struct owned_set *s;
	int rc = owned_build(vips, n, &s, err, sizeof(err));
	if (rc != 0)
		return api_fail(rc, "%s", err);
	owned_publish(s);
	return 0;
}

int gfwd_owned_all(void)
{
	owned_publish(NULL);
	return 0;
}

int gfwd_idle_sleep_set(uint32_t max_us)
{
	if (max_us > IDLE_SLEEP_MAX_US)
		return api_fail(-EINVAL, "idle sleep of %u us exceeds %u us: give 0 (busy polling) to %u",
				max_us, IDLE_SLEEP_MAX_US, IDLE_SLEEP_MAX_US);
	__atomic_store_n(&dp.idle_sleep_us, max_us, __ATOMIC_RELAXED);
	return 0;
}
