/* SPDX-License-Identifier: Apache-2.0
 * What the pieces behind gatunfwd.h share. */
#ifndef GFWD_API_INTERNAL_H
#define GFWD_API_INTERNAL_H

#include "gatunfwd.h"
#include "dataplane.h"

/* Records a sentence for gfwd_last_error() and returns rc (a negative errno). Callers of
 * the public API serialise their calls, so one buffer is enough. */
int api_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Housekeeping: ARP for unresolved and ageing neighbours. */
void housekeeper_run_once(void);
int housekeeper_start(void);
void housekeeper_stop(void);

#endif
