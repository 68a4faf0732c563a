/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
#ifndef SLUICE_DAEMON_FATES_H
#define SLUICE_DAEMON_FATES_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/config.h"
#include "daemon/health.h"
#include "plan/effective.h"

/*
 * What health asks of each backend of cfg (fate[i], file order). A service whose
 * every checked backend is down keeps them all, as configured: when every check
 * fails at once, the checker's own path is the likelier culprit, and a backend that
 * may answer beats none at all. For the same reason a backend kept so drains rather
 * than loses its established flows when a sibling comes back before it: those flows
 * were being served, and until it had (rise + 1) intervals to pass its checks after
 * the first sibling did, it even stays in the table: the nodes whose checks never
 * failed have it there, and flows this node holds no entry for (a fleet's ECMP
 * moves them here when it announces the VIP again) must find the same backend.
 * now: CLOCK_MONOTONIC usec. Updates each backend's down_with_all and kept_until.
 */
void health_fates(const struct conf *cfg, struct health *h, uint64_t now,
		  enum backend_fate *fate);

/*
 * Whether the grace of a backend kept through "every backend down" ended at now
 * (CLOCK_MONOTONIC usec) while it is still down: the daemon then applies again, so
 * that it leaves the table.
 */
bool health_grace_ended(const struct health *h, uint64_t now);

#endif /* SLUICE_DAEMON_FATES_H */
