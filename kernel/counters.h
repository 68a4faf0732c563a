/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Every counter of one interface at one instant, as data: what `sluice stats`,
 * `sluice top` and the metrics exposition print, each in its own way. Reading
 * is here, in the kernel layer, so that commands and the daemon share it.
 */
#ifndef SLUICE_KERNEL_COUNTERS_H
#define SLUICE_KERNEL_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "xdp/abi.h"
#include "kernel/live.h"
#include "kernel/maps.h"

/* What the kernel measured of the program's own runs (BPF_ENABLE_STATS). */
struct counters_program {
	bool found;		/* sluice's program is on the interface */
	__u32 id;
	__u64 run_time_ns;	/* grows only while run-time stats are enabled */
	__u64 run_count;
};

/* Packets and flows that went to one service or one backend. */
struct counters_lb {
	struct sluice_counter traffic;
	__u64 new_flows;	/* placed by Maglev since the id was assigned */
	__u64 active_flows;	/* flow-table entries that still lead here */
};

struct counters_snapshot {
	__u64 taken_ns;					/* CLOCK_MONOTONIC */
	struct sluice_counter global[SLUICE_STAT_MAX];
	struct sluice_counter rules[SLUICE_RULE_COUNTERS];	/* by rule counter */
	struct sluice_counter rule_limited[SLUICE_RULE_COUNTERS];
	struct counters_lb services[SLUICE_MAX_SERVICES];	/* by service id */
	struct counters_lb backends[SLUICE_MAX_BACKENDS];	/* by backend id */
	bool with_flows;		/* the flow table was walked (active_flows, flow_*) */
	__u64 flow_entries;		/* entries the flow table holds */
	__u64 flow_active;		/* of which still steer packets */
	__u32 flow_size;		/* entries it can hold */
	struct counters_program program;
};

/* Stable names of enum sluice_stat: JSON keys, metric labels, screen rows. */
extern const char *const counters_stat_names[SLUICE_STAT_MAX];

/*
 * The global counters that count drops, in the order they are shown; malformed
 * packets are among them only when the policy drops them. Returns how many out
 * (room for SLUICE_STAT_MAX) received.
 */
size_t counters_drop_reasons(const struct live_state *live, enum sluice_stat *out);

/*
 * Read every counter of what live describes (rules, services and live backends)
 * into snap, which is overwritten. with_flows walks the flow table for active
 * flows (a full table takes a fraction of a second); ifindex finds the program
 * whose run time is read. Returns 0 or -errno.
 */
int counters_read(const struct sluice_maps *maps, const struct live_state *live, int ifindex,
		  bool with_flows, struct counters_snapshot *snap);

/*
 * Ask the kernel to measure the run time of every BPF program (BPF_ENABLE_STATS):
 * it measures while the returned fd is open, and stops once every holder closed
 * it. Costs a few ns per run, so only a long-running watcher (the daemon, top)
 * holds it. Returns the fd or -errno.
 */
int counters_enable_run_time(void);

#endif /* SLUICE_KERNEL_COUNTERS_H */
