/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
#ifndef SLUICE_DAEMON_FATES_H
#define SLUICE_DAEMON_FATES_H

#include "conf/config.h"
#include "daemon/health.h"
#include "plan/effective.h"

/*
 * What health asks of each backend of cfg (fate[i], file order). A service whose
 * every checked backend is down keeps them all, as configured: when every check
 * fails at once, the checker's own path is the likelier culprit, and a backend that
 * may answer beats none at all. For the same reason a backend kept so drains rather
 * than loses its established flows when a sibling comes back before it: those flows
 * were being served. Updates each backend's down_with_all.
 */
void health_fates(const struct conf *cfg, struct health *h, enum backend_fate *fate);

#endif /* SLUICE_DAEMON_FATES_H */
