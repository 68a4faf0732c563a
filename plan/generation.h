/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A plan's writes to what the root selects (xdp/abi.h), made into writes of the
 * generation packets do not use.
 *
 * The planner writes as if into the running generation: services and health peers
 * by keys without a generation, backends by id, settings at 0, and the filter slot
 * to flip to as the root's value. Here they become the writes that make the other
 * generation exactly the planned configuration, whatever it held before (the one
 * before the running one, or part of a killed apply's), and the root that selects
 * it. Packets see none of these writes until the root is written, last.
 */
#ifndef SLUICE_PLAN_GENERATION_H
#define SLUICE_PLAN_GENERATION_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/map_writes.h"

struct generation_writes {
	struct op *ops;		/* into the other generation, deletes first */
	size_t n_ops;
	bool flip;		/* the plan changes what packets see: write root */
	__u32 root;		/* the root to write then */
	__u32 root_key;		/* 0, the key of that write */
	/* What the ops point into. */
	unsigned char *keys[2];		/* services', health peers' */
	struct sluice_backend *backends;
	__u32 *backend_index;
	struct sluice_settings settings;
	__u32 settings_key;
	__u32 one;
	struct live_state *standby;
};

/* Whether op is one of the planner's writes to what the root selects. */
bool generation_planned(const struct sluice_maps *maps, const struct op *op);

/*
 * The writes for ops[0..n-1] (those generation_planned() takes; the others are
 * not looked at), planned against live, the running state. 0 or -errno; free
 * *out with generation_writes_free() either way.
 */
int generation_stage(const struct sluice_maps *maps, const struct live_state *live,
		     const struct op *ops, size_t n, struct generation_writes *out);

void generation_writes_free(struct generation_writes *w);

#endif /* SLUICE_PLAN_GENERATION_H */
