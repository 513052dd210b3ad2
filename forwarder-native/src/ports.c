/* SPDX-License-Identifier: Apache-2.0
 * Ports: hot-plug or find an ethdev, give it one rx and tx queue per worker, and the
 * ring-port plumbing tests and benchmarks use. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include "dataplane.h"
#include "kernel.h"
#include "last_error.h"

static void set_addr(struct port_addr *to, const struct gfwd_port_addr *from, size_t len)
{
	memset(to, 0, sizeof(*to));
	if (from->family == 0)
		return;
	to->present = true;
	to->prefix_len = from->prefix_len;
	memcpy(to->addr.b, from->addr, len);
	to->has_gateway = from->has_gateway != 0;
	if (to->has_gateway)
		memcpy(to->gateway.b, from->gateway, len);
}

static int port_setup(uint16_t eth_port, const char *name, const struct gfwd_port_conf *conf,
		      uint16_t n_rings, struct rte_ring **ring_rx, struct rte_ring **ring_tx)
{
	if (dp.started)
		return api_fail(-EBUSY, "ports must be added before gfwd_start()");
	if (dp.n_ports == MAX_PORTS)
		return api_fail(-ENOSPC, "at most %d ports", MAX_PORTS);
	if (conf->v4.family == 0 && conf->v6.family == 0)
		return api_fail(-EINVAL, "port %s: give it an IPv4 or IPv6 address (or both)", name);
	if (conf->v4.family != 0 && (conf->v4.family != GFWD_AF_INET || conf->v4.prefix_len > 32))
		return api_fail(-EINVAL, "port %s: the IPv4 address needs family 4 and a prefix of at most 32", name);
	if (conf->v6.family != 0 && (conf->v6.family != GFWD_AF_INET6 || conf->v6.prefix_len > 128))
		return api_fail(-EINVAL, "port %s: the IPv6 address needs family 6 and a prefix of at most 128", name);

	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(eth_port, &info);
	if (rc != 0)
		return api_fail(rc, "port %s: cannot read device info", name);
	uint16_t workers = dp.n_workers ? (uint16_t)dp.n_workers : 1;
	if (info.max_tx_queues < workers)
		return api_fail(-EINVAL, "port %s has %u tx queues but there are %u workers (af_packet: add qpairs=%u)",
				name, info.max_tx_queues, workers, workers);
	uint16_t n_rxq = RTE_MIN(workers, info.max_rx_queues);

	struct rte_eth_conf eth_conf = { 0 };
	if (n_rxq > 1) {
		eth_conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		eth_conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
		eth_conf.rx_adv_conf.rss_conf.rss_hf &= info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(eth_port, n_rxq, workers, &eth_conf);
	if (rc != 0)
		return api_fail(rc, "port %s: configure with %u rx / %u tx queues failed", name, n_rxq, workers);
	uint16_t nb_rxd = RX_DESCRIPTORS, nb_txd = TX_DESCRIPTORS;
	rte_eth_dev_adjust_nb_rx_tx_desc(eth_port, &nb_rxd, &nb_txd);
	int socket = rte_eth_dev_socket_id(eth_port);
	for (uint16_t q = 0; q < n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(eth_port, q, nb_rxd, socket, NULL, dp.pool);
		if (rc != 0)
			return api_fail(rc, "port %s: rx queue %u setup failed", name, q);
	}
	for (uint16_t q = 0; q < workers; q++) {
		rc = rte_eth_tx_queue_setup(eth_port, q, nb_txd, socket, NULL);
		if (rc != 0)
			return api_fail(rc, "port %s: tx queue %u setup failed", name, q);
	}

	uint16_t idx = dp.n_ports;
	struct port *p = &dp.ports[idx];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->eth_port = eth_port;
	p->n_rx_queues = n_rxq;
	uint16_t mtu = RTE_ETHER_MTU;
	rte_eth_dev_get_mtu(eth_port, &mtu);
	p->mtu = mtu;
	set_addr(&p->a[0], &conf->v4, 4);
	set_addr(&p->a[1], &conf->v6, 16);
	p->n_rings = n_rings;
	for (uint16_t r = 0; r < n_rings; r++) {
		p->ring_rx[r] = ring_rx[r];
		p->ring_tx[r] = ring_tx[r];
	}
	if (conf->has_mac) {
		memcpy(p->mac.addr_bytes, conf->mac, RTE_ETHER_ADDR_LEN);
	} else if (n_rings > 0) {
		/* The ring PMD has no MAC of its own: use a locally administered one. */
		uint8_t mac[RTE_ETHER_ADDR_LEN] = { 0x02, 0x67, 0x61, 0x74, 0x00, (uint8_t)(idx + 1) };
		memcpy(p->mac.addr_bytes, mac, sizeof(mac));
	} else if ((rc = rte_eth_macaddr_get(eth_port, &p->mac)) != 0) {
		return api_fail(rc, "port %s: cannot read its MAC address", name);
	}
	char ring_name[RTE_RING_NAMESIZE];
	snprintf(ring_name, sizeof(ring_name), "gfwd_ctrl_%u", idx);
	p->ctrl_tx = rte_ring_create(ring_name, CONTROL_RING_SIZE, socket, RING_F_SC_DEQ);
	if (p->ctrl_tx == NULL)
		return api_fail(-ENOMEM, "port %s: cannot create its control ring", name);
	dp.snat_addrs[0][idx] = p->a[0].addr;
	dp.snat_addrs[1][idx] = p->a[1].addr;
	dp.port_of_eth[eth_port] = (uint8_t)idx;
	dp.n_ports++;
	for (int f = 0; f < 2; f++)
		if (p->a[f].has_gateway &&
		    neigh_ensure(&dp.neigh, f ? GFWD_AF_INET6 : GFWD_AF_INET, &p->a[f].gateway, idx) == NEIGH_NONE)
			return api_fail(-ENOSPC, "port %s: neighbour table full", name);
	return idx;
}

int gfwd_port_add(const struct gfwd_port_conf *conf)
{
	char devargs[sizeof(conf->devargs)];
	snprintf(devargs, sizeof(devargs), "%s", conf->devargs);
	char name[RTE_ETH_NAME_MAX_LEN];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(devargs, ","), devargs);

	uint16_t eth_port;
	if (rte_eth_dev_get_port_by_name(name, &eth_port) != 0) {
		int rc = rte_dev_probe(devargs);
		if (rc != 0)
			return api_fail(rc, "cannot probe device '%s'", devargs);
		if (rte_eth_dev_get_port_by_name(name, &eth_port) != 0)
			return api_fail(-ENODEV, "device '%s' probed but no port named '%s'", devargs, name);
	}
	return port_setup(eth_port, name, conf, 0, NULL, NULL);
}

int gfwd_port_kernel_add(uint16_t port, const char *devargs)
{
	if (devargs == NULL || devargs[0] == '\0')
		return api_fail(-EINVAL, "a kernel interface needs devargs, e.g. \"net_tap0,iface=gk0\"");
	char args[256];
	snprintf(args, sizeof(args), "%s", devargs);
	char name[RTE_ETH_NAME_MAX_LEN];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(args, ","), args);
	uint16_t eth_port;
	if (rte_eth_dev_get_port_by_name(name, &eth_port) != 0) {
		int rc = rte_dev_probe(args);
		if (rc != 0)
			return api_fail(rc, "cannot probe the kernel interface '%s'", args);
		if (rte_eth_dev_get_port_by_name(name, &eth_port) != 0)
			return api_fail(-ENODEV, "kernel interface '%s' probed but no port named '%s'", args, name);
	}
	return kernel_attach(port, eth_port, name);
}

int gfwd_port_add_ring(const char *name, const struct gfwd_port_conf *conf)
{
	/* One ring pair per worker, like a NIC with a queue per worker. */
	uint16_t n = dp.n_workers ? (uint16_t)dp.n_workers : 1;
	struct rte_ring *rx[MAX_WORKERS], *tx[MAX_WORKERS];
	char rname[RTE_RING_NAMESIZE];
	for (uint16_t q = 0; q < n; q++) {
		snprintf(rname, sizeof(rname), "%s_rx%u", name, q);
		rx[q] = rte_ring_create(rname, 4096, (int)rte_socket_id(), 0);
		snprintf(rname, sizeof(rname), "%s_tx%u", name, q);
		tx[q] = rte_ring_create(rname, 4096, (int)rte_socket_id(), 0);
		if (rx[q] == NULL || tx[q] == NULL)
			return api_fail(-ENOMEM, "ring port %s: cannot create rings", name);
	}
	int eth_port = rte_eth_from_rings(name, rx, n, tx, n, rte_socket_id());
	if (eth_port < 0)
		return api_fail(-rte_errno, "ring port %s: rte_eth_from_rings failed", name);
	return port_setup((uint16_t)eth_port, name, conf, n, rx, tx);
}

int gfwd_ring_inject_queue(uint16_t port, uint16_t queue, const uint8_t *frame, uint32_t len)
{
	if (port >= dp.n_ports || dp.ports[port].n_rings == 0)
		return api_fail(-EINVAL, "port %u is not a ring port", port);
	if (queue >= dp.ports[port].n_rings)
		return api_fail(-EINVAL, "port %u has %u queues", port, dp.ports[port].n_rings);
	if (len > UINT16_MAX)
		return api_fail(-EMSGSIZE, "frame of %u bytes does not fit an mbuf", len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL)
		return api_fail(-ENOBUFS, "no mbuf left");
	char *dst = rte_pktmbuf_append(m, (uint16_t)len);
	if (dst == NULL) {
		rte_pktmbuf_free(m);
		return api_fail(-EMSGSIZE, "frame of %u bytes does not fit an mbuf", len);
	}
	memcpy(dst, frame, len);
	if (rte_ring_enqueue(dp.ports[port].ring_rx[queue], m) != 0) {
		rte_pktmbuf_free(m);
		return api_fail(-ENOBUFS, "ring of port %u is full", port);
	}
	return 0;
}

int gfwd_ring_inject(uint16_t port, const uint8_t *frame, uint32_t len)
{
	return gfwd_ring_inject_queue(port, 0, frame, len);
}

int gfwd_ring_collect(uint16_t port, uint8_t *buf, uint32_t cap)
{
	if (port >= dp.n_ports || dp.ports[port].n_rings == 0)
		return api_fail(-EINVAL, "port %u is not a ring port", port);
	struct rte_mbuf *m = NULL;
	for (uint16_t q = 0; q < dp.ports[port].n_rings && m == NULL; q++)
		if (rte_ring_dequeue(dp.ports[port].ring_tx[q], (void **)&m) != 0)
			m = NULL;
	if (m == NULL)
		return 0;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (len > cap) {
		rte_pktmbuf_free(m);
		return api_fail(-EMSGSIZE, "frame of %u bytes exceeds the buffer of %u", len, cap);
	}
	/* Returns a pointer into the mbuf, or copies into buf when the frame is segmented. */
	const void *data = rte_pktmbuf_read(m, 0, len, buf);
	if (data != buf)
		memcpy(buf, data, len);
	rte_pktmbuf_free(m);
	return (int)len;
}

int gfwd_port_mac(uint16_t port, uint8_t mac[6])
{
	if (port >= dp.n_ports)
		return api_fail(-EINVAL, "no port %u", port);
	memcpy(mac, dp.ports[port].mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	return 0;
}

int gfwd_port_stats(uint16_t port, struct gfwd_port_stats *out)
{
	if (port >= dp.n_ports || out == NULL)
		return api_fail(-EINVAL, "no port %u", port);
	struct rte_eth_stats st;
	int rc = rte_eth_stats_get(dp.ports[port].eth_port, &st);
	if (rc != 0)
		return api_fail(rc, "port %s: cannot read its statistics", dp.ports[port].name);
	*out = (struct gfwd_port_stats){
		.rx_packets = st.ipackets, .tx_packets = st.opackets, .rx_bytes = st.ibytes, .tx_bytes = st.obytes,
		.rx_missed = st.imissed, .rx_errors = st.ierrors, .tx_errors = st.oerrors, .rx_nombuf = st.rx_nombuf,
	};
	return 0;
}

int gfwd_port_link_up(uint16_t port)
{
	if (port >= dp.n_ports)
		return api_fail(-EINVAL, "no port %u", port);
	struct rte_eth_link link;
	if (rte_eth_link_get_nowait(dp.ports[port].eth_port, &link) != 0)
		return 0;
	return link.link_status == RTE_ETH_LINK_UP;
}
