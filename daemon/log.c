// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>

#include "daemon/log.h"

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	/* One write per line, so lines of the daemon and of apply do not interleave. */
	flockfile(stderr);
	fprintf(stderr, "<%d>sluice: ", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
