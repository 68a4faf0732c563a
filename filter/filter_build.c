// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What every phase of the filter compiler shares beyond the build state: how it
 * refuses a rule set. Kept out of the driver so that the phases depend on this
 * file and the driver on them, never the other way round.
 */
#include <stdarg.h>
#include <stdio.h>

#include "filter/filter_build.h"

int filter_fail(struct filter_build *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err, b->err_len, fmt, ap);
	va_end(ap);
	return -1;
}
