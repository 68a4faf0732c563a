/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The config the data plane is to run when some backends of the file cannot or
 * should not take flows for now: those whose neighbour does not answer, those a
 * health check found down. Every other backend is as the file says.
 */
#ifndef SLUICE_PLAN_EFFECTIVE_H
#define SLUICE_PLAN_EFFECTIVE_H

#include "conf/config.h"
#include "kernel/live.h"
#include "kernel/neigh.h"

/* What becomes of one backend of the file in the running config. */
enum backend_fate {
	BACKEND_AS_CONFIGURED = 0,
	BACKEND_DRAINED,	/* no new flows, its established flows stay (as draining) */
	BACKEND_LEFT_OUT,	/* as if removed from the file: its flows move */
};

/*
 * view: cfg with every backend's fate (fate[i] of the i-th backend in file order)
 * carried out, and view_paths its paths reindexed the same way. view shares cfg's
 * rules; free it with effective_free, never conf_free. Returns 0 or -ENOMEM.
 */
int effective_config(const struct conf *cfg, const struct backend_path *paths,
		     const enum backend_fate *fate, struct conf *view,
		     struct backend_path *view_paths);

void effective_free(struct conf *view);

/*
 * Of the backends waiting for their neighbour (waiting[i], file order), those the
 * data plane already forwards to (same service, same address) keep the path they
 * have, the l2dsr MAC of the live map, and wait no more: the kernel's table forgot
 * or is re-probing a neighbour that answered before (`sluice watch` follows it), and
 * a reload must not move the established flows of a backend it keeps.
 */
void effective_keep_forwarding(const struct live_state *live, const struct conf *cfg,
			       struct backend_path *paths, struct neigh_wait *waiting);

#endif /* SLUICE_PLAN_EFFECTIVE_H */
