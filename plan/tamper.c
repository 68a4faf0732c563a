// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What an apply distrusts of the live state when it differs from the seal. */
#include <stdio.h>
#include <string.h>

#include "kernel/seal.h"
#include "plan/tamper.h"

int tamper_prepare(const char *ifname, const struct sluice_maps *maps,
		   struct live_state *live, struct seal *now)
{
	struct seal sealed;
	int parts;

	/* Left zero when there is no seal: the apply then seals the whole state. */
	memset(now, 0, sizeof(*now));
	parts = seal_differs(ifname, maps, live, &sealed, now);
	if (parts <= 0)
		return parts;
	seal_report(ifname, (unsigned int)parts, &sealed, now);
	fprintf(stderr, "sluice: %s: this apply writes again what differs\n", ifname);
	/* A rule set the slot holds whole, but not the one rule_meta names: recompile. */
	if (parts & (1 << SEAL_FILTER | 1 << SEAL_RULES))
		live->filter_header.ready = 0;
	/* Rate-limit parameters are rewritten when the live rule seems to differ. */
	if (parts & 1 << SEAL_RULES)
		for (__u32 c = 0; c < SLUICE_MAX_RULES; c++)
			if (live->rule_meta[c].rule.action == SLUICE_ACT_RATE_LIMIT)
				live->rule_meta[c].rule.rate_packets = 0;
	/* Every table is built again into its other slot, and its service flipped to it. */
	if (parts & 1 << SEAL_TABLES)
		for (size_t i = 0; i < live->n_services; i++)
			live->services[i].val.table_size = 0;
	return parts;
}
