/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The commit journal of an apply: the writes packets see (services, backends, the
 * filter's flip, settings, ...), pinned beside the maps as INTENT_PIN before the
 * first of them is made and removed after the last. Pinning it is the apply's
 * commit point: a sluice killed before it changed nothing packets use (what it
 * wrote sits in slots no packet reads); killed after it, it leaves the journal,
 * which the next command replays whole under the lock, finishing the apply. Every
 * write in it is an update or a delete of a given value, so one made twice is made
 * once.
 */
#ifndef SLUICE_KERNEL_INTENT_H
#define SLUICE_KERNEL_INTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/maps.h"
#include "kernel/map_writes.h"

#define INTENT_PIN	"journal"

/*
 * Pin ops[0..n-1] (OP_UPDATE and OP_DELETE on maps of `maps`) as the journal of
 * state `name`. Returns 0 or -errno after printing why.
 */
int intent_write(const char *name, const struct sluice_maps *maps, const struct op *ops,
		  size_t n);

/* Remove the journal once its writes are all made. */
int intent_clear(const char *name);

bool intent_present(const char *name);

/*
 * Make the writes of name's journal; the caller removes it once it has sealed what
 * they made. The caller holds the lock. Returns 1 when there was one, 0 when not,
 * -errno after printing why.
 */
int intent_replay(const char *name);

/*
 * An attach under way: pinned before the program is loaded, removed once it is
 * attached and its config applied. Found by a later command, it means the attach
 * was killed: what it made is removed, as if it had never run.
 */
#define INTENT_ATTACH_PIN	"attaching"

int intent_mark_attach(const char *name);

/* The directory is there, and empty: an attach killed before it could mark itself. */
bool intent_bare_dir(const char *name);
bool intent_attach_marked(const char *name);
int intent_unmark_attach(const char *name);

#endif /* SLUICE_KERNEL_INTENT_H */
