// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Weighted Maglev table from backend keys: the table depends on the set of
 * (key, weight) pairs only, so every node of a fleet builds the same bytes.
 */
#include <errno.h>
#include <stdlib.h>

#include "lb/maglev.h"
#include "lb/maglev_key.h"

static int by_key(const void *a, const void *b)
{
	return maglev_key_cmp(*(const struct maglev_backend *const *)a,
			      *(const struct maglev_backend *const *)b);
}

static int build_check(const struct maglev_backend *backends, size_t n, uint32_t m,
		       const uint32_t *table)
{
	if (!maglev_is_prime(m) || n > m || !table || (n && !backends))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!maglev_key_valid(&backends[i]))
			return -EINVAL;
	return 0;
}

/*
 * The fill gives ties to the lower index, so backends go to it sorted by key:
 * then the input order cannot change which backend wins a contested slot.
 */
int maglev_build(const struct maglev_backend *backends, size_t n, uint32_t m,
		 uint32_t *table)
{
	const struct maglev_backend **sorted;
	uint32_t *offset, *skip, *weight;
	int err;

	err = build_check(backends, n, m, table);
	if (err)
		return err;
	if (!n)
		return maglev_fill(NULL, NULL, NULL, 0, m, table);

	/* Pointers first, so the uint32_t arrays behind them stay aligned. */
	sorted = malloc(n * (sizeof(*sorted) + 3 * sizeof(uint32_t)));
	if (!sorted)
		return -ENOMEM;
	offset = (uint32_t *)(sorted + n);
	skip = offset + n;
	weight = skip + n;

	for (size_t i = 0; i < n; i++)
		sorted[i] = &backends[i];
	qsort(sorted, n, sizeof(*sorted), by_key);
	for (size_t i = 0; i + 1 < n; i++) {
		if (!maglev_key_cmp(sorted[i], sorted[i + 1])) {
			err = -EINVAL;
			goto out;
		}
	}

	for (size_t i = 0; i < n; i++) {
		maglev_permutation(sorted[i], m, &offset[i], &skip[i]);
		weight[i] = sorted[i]->weight;
	}
	err = maglev_fill(offset, skip, weight, n, m, table);
	if (err)
		goto out;
	for (uint32_t s = 0; s < m; s++)
		if (table[s] != MAGLEV_EMPTY)
			table[s] = sorted[table[s]] - backends;
out:
	free(sorted);
	return err;
}
