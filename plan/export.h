/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The running configuration as a config: the planner's way back, from the live
 * maps to the struct conf that, applied, plans no change. What the maps do not
 * hold comes out as the config's defaults (README.md, "Export").
 */
#ifndef SLUICE_PLAN_EXPORT_H
#define SLUICE_PLAN_EXPORT_H

#include "conf/config.h"
#include "kernel/live.h"

/*
 * Fill *out (free with conf_free) from live; ncpus is what the new-flow guard
 * was split over. Returns 0 or -ENOMEM.
 */
int plan_export(const struct live_state *live, unsigned int ncpus, struct conf *out);

#endif /* SLUICE_PLAN_EXPORT_H */
