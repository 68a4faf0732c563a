// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* How well a table spreads load, and how much of it moves between two tables. */
#include <math.h>
#include <stdlib.h>

#include "lb/maglev.h"
#include "lb/maglev_key.h"

double maglev_balance(const struct maglev_backend *backends, size_t n,
		      const uint32_t *table, uint32_t m)
{
	uint64_t total = 0;
	uint32_t *held;
	double worst = 0.0;

	for (size_t i = 0; i < n; i++)
		total += backends[i].weight;
	if (!total || !m)
		return 0.0;

	held = calloc(n, sizeof(*held));
	if (!held)
		return NAN;
	for (uint32_t s = 0; s < m; s++)
		if (table[s] < n)
			held[table[s]]++;
	for (size_t i = 0; i < n; i++) {
		double entitled = (double)m * backends[i].weight / (double)total;
		double ratio;

		if (!backends[i].weight)
			continue;
		ratio = held[i] / entitled;
		if (ratio > worst)
			worst = ratio;
	}
	free(held);
	return worst;
}

static const struct maglev_backend *slot_owner(const struct maglev_backend *backends,
					       uint32_t slot)
{
	return slot == MAGLEV_EMPTY ? NULL : &backends[slot];
}

double maglev_disruption(const struct maglev_backend *old_backends, const uint32_t *old_table,
			 const struct maglev_backend *new_backends, const uint32_t *new_table,
			 uint32_t m)
{
	uint32_t moved = 0;

	if (!m)
		return 0.0;
	for (uint32_t s = 0; s < m; s++) {
		const struct maglev_backend *was = slot_owner(old_backends, old_table[s]);
		const struct maglev_backend *now = slot_owner(new_backends, new_table[s]);

		if (!was || !now)
			moved += was != now;
		else
			moved += maglev_key_cmp(was, now) != 0;
	}
	return (double)moved / m;
}
