/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What one frame of `sluice top` shows, computed from two counter snapshots:
 * the program's cost, rates by verdict, and the rules, services and backends
 * sorted by the key chosen. Printed as lines, the same for a terminal (curses)
 * and for a pipe.
 */
#ifndef SLUICE_CLI_TOP_FRAME_H
#define SLUICE_CLI_TOP_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/counters.h"
#include "kernel/live.h"

enum top_sort {
	TOP_SORT_PACKETS,	/* packets per second, busiest first (the default) */
	TOP_SORT_BITS,		/* bits per second */
	TOP_SORT_FLOWS,		/* new flows per second */
	TOP_SORT_ACTIVE,	/* active flows */
	TOP_SORT_NAME,		/* by name, A to Z */
	TOP_NSORTS,
};

/* The key that sorts by each order on screen, and its name for --sort. */
extern const char top_sort_keys[TOP_NSORTS];
extern const char *const top_sort_names[TOP_NSORTS];

struct top_row {
	char name[64];		/* rule or service name, backend address */
	char detail[80];	/* a service's VIP, a backend's service */
	double pps, bps, new_fps;
	__u64 active;
	bool has_flows;		/* services and backends */
};

#define TOP_VERDICTS	8

struct top_frame {
	double seconds;			/* between the two snapshots */
	bool program_found, run_time_known;
	double ns_per_run, cpu_share, runs_per_s;
	struct {
		const char *name;
		double pps, bps;
	} verdicts[TOP_VERDICTS];
	size_t n_rows[3];		/* rules, services, backends */
	struct top_row *rows[3];
};

enum { TOP_RULES, TOP_SERVICES, TOP_BACKENDS };

/* Rates between then and now of what live describes. Returns 0 or -ENOMEM. */
int top_frame_build(const struct live_state *live, const struct counters_snapshot *then,
		    const struct counters_snapshot *now, struct top_frame *f);
void top_frame_sort(struct top_frame *f, enum top_sort by);
void top_frame_free(struct top_frame *f);

/*
 * The frame as lines of text (heading lines bold on a terminal), each table cut
 * to max_rows rows (0: all of them).
 */
void top_frame_lines(const struct top_frame *f, const char *ifname, enum top_sort by,
		     size_t max_rows, void (*line)(void *ctx, bool heading, const char *text),
		     void *ctx);

#endif /* SLUICE_CLI_TOP_FRAME_H */
