/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Changes made behind sluice's back (kernel/seal.h), found before an apply plans, so
 * that the apply puts back what the last one left: the planner diffs against the
 * live state, and a change it cannot see by value (the filter's slot flipped to a
 * ready rule set, a service's table slot or table swapped) is marked stale here,
 * which makes it rebuild that part.
 */
#ifndef SLUICE_PLAN_TAMPER_H
#define SLUICE_PLAN_TAMPER_H

#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/seal.h"

/*
 * Compare ifname's state with its seal; name each differing part on stderr and mark
 * in live what the planner must rebuild. now gets the digests of the state as
 * read, for sealing what the apply leaves (seal_after); zero when there is no seal.
 * Returns the differing parts (a bit per enum seal_part), or -errno.
 */
int tamper_prepare(const char *ifname, const struct sluice_maps *maps,
		   struct live_state *live, struct seal *now);

#endif /* SLUICE_PLAN_TAMPER_H */
