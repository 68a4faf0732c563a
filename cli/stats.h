/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sluice stats --prometheus` and `--serve`: the metrics forms of the counters. */
#ifndef SLUICE_CLI_STATS_H
#define SLUICE_CLI_STATS_H

#include "conf/config.h"
#include "kernel/live.h"
#include "kernel/maps.h"

/* --serve's ADDR:PORT; prints why not and returns -1 when it is not one. */
int stats_parse_listen(const char *text, struct conf_listen *out);

/* The exposition of ifname, once, on stdout. Returns an exit code. */
int stats_prometheus(const char *ifname, const struct sluice_maps *maps);

/* Serve it at http://ADDR:PORT/metrics until SIGINT or SIGTERM. Returns an exit code. */
int stats_serve(const char *ifname, const struct sluice_maps *maps,
		const struct conf_listen *addr);

#endif /* SLUICE_CLI_STATS_H */
