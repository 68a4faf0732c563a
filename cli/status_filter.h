/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The filter part of `sluice status`: the rules as configured, and what they compiled to. */
#ifndef SLUICE_CLI_STATUS_FILTER_H
#define SLUICE_CLI_STATUS_FILTER_H

#include <json-c/json.h>

#include "kernel/live.h"
#include "kernel/maps.h"

/* Adds "rules" and "filter" to root. */
void status_filter_json(json_object *root, const struct sluice_maps *maps,
			const struct live_state *live);

/* The human rendering of those two keys. */
void status_filter_print(json_object *root);

#endif /* SLUICE_CLI_STATUS_FILTER_H */
