/* SPDX-License-Identifier: Apache-2.0
 * The kernel interface of a data port (kernel.h): set-up and worker 0's polling. */
#include <errno.h>
#include <stdio.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include "kernel.h"
#include "last_error.h"

#define KERNEL_RING_SIZE 1024   /* frames for the kernel waiting for worker 0 */
#define KERNEL_DESCRIPTORS 512

int kernel_attach(uint16_t port, uint16_t eth_port, const char *name)
{
	if (dp.started)
		return api_fail(-EBUSY, "kernel interfaces must be added before gfwd_start()");
	if (port >= dp.n_ports)
		return api_fail(-EINVAL, "no port %u to give a kernel interface", port);
	struct port *p = &dp.ports[port];
	if (p->to_kernel != NULL)
		return api_fail(-EEXIST, "port %s already has a kernel interface", p->name);
	struct rte_eth_conf conf = { 0 };
	int rc = rte_eth_dev_configure(eth_port, 1, 1, &conf);
	if (rc != 0)
		return api_fail(rc, "kernel interface %s of port %s: configure failed", name, p->name);
	uint16_t nb_rxd = KERNEL_DESCRIPTORS, nb_txd = KERNEL_DESCRIPTORS;
	rte_eth_dev_adjust_nb_rx_tx_desc(eth_port, &nb_rxd, &nb_txd);
	int socket = rte_eth_dev_socket_id(eth_port);
	if ((rc = rte_eth_rx_queue_setup(eth_port, 0, nb_rxd, socket, NULL, dp.pool)) != 0 ||
	    (rc = rte_eth_tx_queue_setup(eth_port, 0, nb_txd, socket, NULL)) != 0)
		return api_fail(rc, "kernel interface %s of port %s: queue setup failed", name, p->name);
	/* The kernel answers ARP and NDP as the port: it must carry the port's MAC. A PMD
	 * without a MAC of its own (rings, in tests) may refuse; what it sends is not read. */
	rc = rte_eth_dev_default_mac_addr_set(eth_port, &p->mac);
	if (rc != 0 && rc != -ENOTSUP)
		return api_fail(rc, "kernel interface %s of port %s: cannot give it the port's MAC", name, p->name);
	char ring_name[RTE_RING_NAMESIZE];
	snprintf(ring_name, sizeof(ring_name), "gfwd_kernel_%u", port);
	/* Every worker may hand over; worker 0 alone takes. */
	p->to_kernel = rte_ring_create(ring_name, KERNEL_RING_SIZE, socket, RING_F_SC_DEQ);
	if (p->to_kernel == NULL)
		return api_fail(-ENOMEM, "kernel interface %s of port %s: cannot create its ring", name, p->name);
	p->kernel_eth = eth_port;
	snprintf(p->kernel_name, sizeof(p->kernel_name), "%s", name);
	return 0;
}

unsigned kernel_poll(struct worker *w)
{
	unsigned n = 0;
	struct rte_mbuf *pkts[BURST_SIZE];
	for (uint16_t port = 0; port < dp.n_ports; port++) {
		struct port *p = &dp.ports[port];
		if (p->to_kernel == NULL)
			continue;
		unsigned k = rte_ring_sc_dequeue_burst(p->to_kernel, (void **)pkts, BURST_SIZE, NULL);
		if (k > 0) {
			uint16_t sent = rte_eth_tx_burst(p->kernel_eth, 0, pkts, (uint16_t)k);
			for (unsigned i = sent; i < k; i++)
				drop(w, pkts[i], DROP_KERNEL_RING_FULL);
			n += k;
		}
		/* Whatever the kernel sends leaves by the data port as it is: the kernel built it
		 * with the port's MAC and addresses. */
		uint16_t got = rte_eth_rx_burst(p->kernel_eth, 0, pkts, BURST_SIZE);
		for (uint16_t i = 0; i < got; i++)
			emit(w, port, pkts[i]);
		w->cnt.event[EV_KERNEL_INJECTED] += got;
		n += got;
	}
	return n;
}
