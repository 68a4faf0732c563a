// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* SIGKILL at the N-th write point, for the crash tests (fault.h). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fault.h"

void fault_point(void)
{
	static long kill_at = -1, passed;

	if (kill_at < 0) {
		const char *at = getenv("SLUICE_FAULT_WRITE");

		kill_at = at ? strtol(at, NULL, 10) : 0;
	}
	if (kill_at > 0 && ++passed == kill_at)
		raise(SIGKILL);
}

void fault_at(const char *name)
{
	const char *at = getenv("SLUICE_FAULT_AT");

	if (at && !strcmp(at, name))
		raise(SIGKILL);
}
