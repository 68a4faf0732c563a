/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Carrying out a plan so that a sluice killed at any write leaves the old config or
 * the new one, and finishing (or undoing) what a killed one left.
 *
 * Staged writes go where no packet looks: the inactive slots of Maglev tables and of
 * the filter, the counters of ids the running config does not use, and the
 * generation the root does not select (plan/generation.h), which becomes the new
 * configuration whole. The commit is the root, written once, and what only sluice
 * reads (rule and service names), and tx ports no longer used: they are pinned as a
 * journal (kernel/intent.h) before the first of them is made. Packets see the old
 * configuration until the root is written and the new one from then on, whenever
 * sluice is killed; the next command replays a journal it finds, and the apply is
 * done.
 */
#ifndef SLUICE_PLAN_COMMIT_H
#define SLUICE_PLAN_COMMIT_H

#include <stddef.h>

#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/map_writes.h"
#include "kernel/seal.h"

/*
 * ops[0..n-1], planned against live, into the maps of state `name`: staged ones and
 * the other generation's first (plan/generation.h), then the root and the rest
 * through the journal, and the seal of what they leave (kernel/seal.h) written
 * before the journal goes; what they wrote is read back for it into live, the rest
 * taken from checked, the apply's check (seal_after). 0 or -errno.
 */
int commit_execute(const char *name, const struct sluice_maps *maps, const struct op *ops,
		   size_t n, struct live_state *live, const struct seal *checked);

/* What commit_recover_locked found. */
enum commit_recovery {
	COMMIT_CLEAN,		/* nothing was left */
	COMMIT_FINISHED,	/* an interrupted apply: its journal replayed */
	COMMIT_ATTACH_UNDONE,	/* an interrupted attach: program and pins removed */
};

/*
 * Finish or undo what a killed sluice left on ifname; the caller holds its lock.
 * keep_dir: leave the pin directory (the caller's lock is on it) when an attach is
 * undone. Returns an enum commit_recovery, or -errno after printing why.
 */
int commit_recover_locked(const char *ifname, bool keep_dir);

/* The same for commands that take no lock otherwise: locks only when needed. */
int commit_recover(const char *ifname);

#endif /* SLUICE_PLAN_COMMIT_H */
