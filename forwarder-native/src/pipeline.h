/* SPDX-License-Identifier: Apache-2.0
 * The per-packet path: parse → classify → (ARP | ICMP echo | flow lookup → NAT) → queue
 * for transmission on a worker's tx queues, or count a drop reason and free. */
#ifndef GFWD_PIPELINE_H
#define GFWD_PIPELINE_H

#include <rte_mbuf.h>
#include "config.h"
#include "worker.h"

void pipeline_burst(struct worker *w, const struct config *cfg, uint16_t in_port,
		    struct rte_mbuf **pkts, uint16_t n);

#endif
