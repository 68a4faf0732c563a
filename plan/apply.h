/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Bringing an interface's live maps to a validated config, all or nothing. */
#ifndef SLUICE_PLAN_APPLY_H
#define SLUICE_PLAN_APPLY_H

#include <stdbool.h>

#include "conf/config.h"
#include "plan/effective.h"

struct plan;

/* How an apply may go. */
struct apply_opts {
	bool dry_run;		/* plan and print, write nothing */
	bool force;		/* go on even if the filter would cut the operator's session */
	/*
	 * The daemon's: fate[i] of the i-th backend of cfg in file order (health);
	 * NULL: every backend as configured.
	 */
	const enum backend_fate *fate;
	/*
	 * The daemon's, lenient on neighbours and never waiting for them: a backend
	 * whose neighbour the kernel has not resolved now is left out (and marked here
	 * with the neighbour to wait for, file order) while the rest goes live; one the
	 * data plane forwards to already keeps its path. NULL: strict, such a backend,
	 * unanswered after NEIGH_TIMEOUT_MS, refuses the whole apply.
	 */
	struct neigh_wait *waiting;
	/* What the change log calls this change; NULL: "apply". */
	const char *why;
	/*
	 * Called with the plan once it is carried out (dry run: computed) instead of
	 * printing it; NULL: the plan's notes and its count of map updates are printed.
	 */
	void (*report)(const struct plan *plan, bool dry_run, void *ctx);
	void *report_ctx;
	bool locked;		/* the caller holds the interface lock (attach) */
};

/* How an apply ended; in every case but APPLY_DONE nothing changed. */
enum apply_result {
	APPLY_DONE,		/* the maps hold cfg (dry run: they already did) */
	APPLY_PENDING,		/* dry run only: the maps differ from cfg, the plan was printed */
	APPLY_FAILED,		/* the kernel or the network said no */
	APPLY_REFUSED,		/* cfg cannot run here as it is: flows.size, an unreachable
				 * backend, the operator's session */
};

/*
 * Resolve cfg's backends on ifname and bring the live maps of ifname to cfg, all or
 * nothing, under the interface lock, first finishing an apply a killed sluice left
 * (plan/commit.h). Prints what changed, or why not.
 */
enum apply_result apply_config(const char *ifname, const char *cfg_path,
			       const struct conf *cfg, const struct apply_opts *opts);

#endif /* SLUICE_PLAN_APPLY_H */
