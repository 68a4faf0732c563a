/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What a daemon that starts on a running data plane learns from it. */
#ifndef SLUICE_DAEMON_ADOPT_H
#define SLUICE_DAEMON_ADOPT_H

#include <stdbool.h>

#include "conf/config.h"

/*
 * Health is unknown at start and unknown keeps what runs: down[i] is set for each
 * health-checked backend of cfg (file order) whose service runs on ifname without
 * it among the backends taking new flows, so a restart does not bring back a
 * backend an earlier daemon took out. Returns 0 or -errno.
 */
int adopt_down_backends(const char *ifname, const struct conf *cfg, bool *down);

#endif /* SLUICE_DAEMON_ADOPT_H */
