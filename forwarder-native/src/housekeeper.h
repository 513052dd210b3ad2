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
/* How long the thread sleeps before its next round: a tick, or less when an announcement
 * is due sooner (so announcements keep their interval, not the tick's). */
uint64_t housekeeper_sleep_us(void);
int housekeeper_start(void);
void housekeeper_stop(void);

#endif
