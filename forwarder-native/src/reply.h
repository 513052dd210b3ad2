/* SPDX-License-Identifier: Apache-2.0
 * A NAT backend's reply without a flow (the NAT return path after a VIP moved here): the
 * flow the client's packet would have made, made from the reply. */
#ifndef GFWD_REPLY_H
#define GFWD_REPLY_H

#include "config.h"
#include "counters.h"
#include "flow.h"
#include "lcore.h"
#include "parse.h"

/* A reply from a NAT backend without a flow: the flow is made as if the client's packet had
 * come first, its client's previous hop from the neighbour table (the client itself on a
 * port's prefix, else the port's gateway; asked for when unknown: this reply is dropped, the
 * backend's retransmission finds it). NULL, with *why, when no flow can be made. */
struct flow *reply_open(struct worker *w, const struct config *cfg, const struct pkt *p,
			enum gfwd_drop *why);

#endif
