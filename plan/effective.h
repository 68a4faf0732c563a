/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The config the data plane is to run when some backends of the file cannot or
 * should not take flows for now: those whose neighbour does not answer, those a
 * health check found down. Every other backend is as the file says.
 */
#ifndef SLUICE_PLAN_EFFECTIVE_H
#define SLUICE_PLAN_EFFECTIVE_H

#include "conf/config.h"
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

#endif /* SLUICE_PLAN_EFFECTIVE_H */
