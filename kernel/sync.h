/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Carrying out a plan against the live maps, all or nothing. */
#ifndef SLUICE_KERNEL_SYNC_H
#define SLUICE_KERNEL_SYNC_H

#include "plan/plan.h"

/*
 * Perform every write of the plan in order. If one fails, every write already
 * done is undone in reverse order, so the running state is exactly what it was.
 * Returns 0 or the -errno of the failed write (after printing it).
 */
int sync_execute(const struct plan *plan);

#endif /* SLUICE_KERNEL_SYNC_H */
