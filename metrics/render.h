/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * sluice's metrics in the Prometheus text format, from counter snapshots: the
 * one renderer behind `sluice stats --prometheus`, `--serve` and the daemon's
 * /metrics. Names and labels are documented in README.md ("Metrics").
 */
#ifndef SLUICE_METRICS_RENDER_H
#define SLUICE_METRICS_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "kernel/counters.h"
#include "kernel/live.h"
#include "kernel/maps.h"

/* One interface: its name, what runs on it, and its counters at one instant. */
struct metrics_source {
	const char *ifname;
	const struct live_state *live;
	const struct counters_snapshot *snap;
};

/*
 * Families of the caller's own, written after sluice's (the daemon's backend
 * health, reloads, health-check latency): render writes them with prom_family,
 * prom_count, prom_value and histogram_write. Their names must not be sluice's.
 */
struct metrics_extra {
	void (*render)(FILE *out, void *ctx);
	void *ctx;
};

/*
 * Every family of n interfaces (each family once, a sample per interface), then
 * extra's when it is not NULL.
 */
void metrics_render(FILE *out, const struct metrics_source *src, size_t n,
		    const struct metrics_extra *extra);

/*
 * One scrape of ifname, whose maps are open: what runs and its counters read now
 * (the flow table walked for active flows), rendered as metrics_render does. What
 * `stats --prometheus`, `stats --serve` and the daemon serve. Returns 0 or -errno;
 * on error nothing was written.
 */
int metrics_render_now(FILE *out, const char *ifname, const struct sluice_maps *maps,
		       const struct metrics_extra *extra);

#endif /* SLUICE_METRICS_RENDER_H */
