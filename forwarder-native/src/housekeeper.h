/* SPDX-License-Identifier: Apache-2.0
 * Housekeeping on a control-side thread: ARP / NDP for unresolved and ageing neighbours,
 * and the announcements gfwd_announce() asked for. */
#ifndef GFWD_HOUSEKEEPER_H
#define GFWD_HOUSEKEEPER_H

#include "counters.h"

/* What the control side sent, or failed to (gfwd_counters_read adds it to the workers'). */
extern struct counters control_counters;

/* One round now, as the thread does every SERVICE_TICK_MS. */
void housekeeper_run_once(void);
int housekeeper_start(void);
void housekeeper_stop(void);

#endif
