/* SPDX-License-Identifier: Apache-2.0
 * The sentence gfwd_last_error() returns: what the last failed call of the public API
 * went wrong on, and what to do instead. */
#ifndef GFWD_LAST_ERROR_H
#define GFWD_LAST_ERROR_H

/* Records a sentence for gfwd_last_error() and returns rc (a negative errno). Callers of
 * the public API serialise their calls, so one buffer is enough. */
int api_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
