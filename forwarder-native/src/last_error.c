/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include "gatunfwd.h"
#include "last_error.h"

static char last_error[512];

int api_fail(int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return rc < 0 ? rc : -EIO;
}

const char *gfwd_last_error(void)
{
	return last_error;
}
