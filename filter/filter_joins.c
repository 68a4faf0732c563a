// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Joining two class tables sparsely: only (row, col) pairs whose sets share a rule
 * can match anything, so only those are listed. For each row, each of its rules,
 * each col holding that rule (cols are indexed by rule first).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_build.h"

struct key_set {
	uint64_t *keys;		/* + 1, so that 0 marks a free slot */
	size_t n, cap;
};

static int key_add(struct key_set *ks, uint64_t key)
{
	size_t mask, i;

	if (2 * (ks->n + 1) > ks->cap) {
		struct key_set big = { .cap = ks->cap ? 2 * ks->cap : 1024 };

		big.keys = calloc(big.cap, sizeof(*big.keys));
		if (!big.keys)
			return -ENOMEM;
		for (i = 0; i < ks->cap; i++)
			if (ks->keys[i])
				key_add(&big, ks->keys[i] - 1);
		free(ks->keys);
		*ks = big;
	}
	mask = ks->cap - 1;
	for (i = (key * 0x9e3779b97f4a7c15ULL) >> 20 & mask;; i = (i + 1) & mask) {
		if (ks->keys[i] == key + 1)
			return 0;
		if (!ks->keys[i]) {
			ks->keys[i] = key + 1;
			ks->n++;
			return 0;
		}
	}
}

/* For each rule, the cols that hold it (CSR layout: start[r]..start[r + 1]). */
static int cols_by_rule(const struct filter_build *b, const struct classes *cols,
			uint32_t **start, uint32_t **list)
{
	size_t n = b->n_match;
	uint32_t *fill = calloc(n + 1, sizeof(*fill));

	*start = calloc(n + 1, sizeof(**start));
	*list = NULL;
	if (!*start || !fill)
		goto fail;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t c = 0; c < cols->n; c++) {
			const uint64_t *set = classes_set(cols, c);

			for (size_t w = 0; w < b->words; w++)
				for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
					size_t r = w * 64 + (size_t)__builtin_ctzll(bits);

					if (pass)
						(*list)[fill[r]++] = c;
					else
						(*start)[r + 1]++;
				}
		}
		if (pass)
			break;
		for (size_t r = 0; r < n; r++)
			(*start)[r + 1] += (*start)[r];
		memcpy(fill, *start, n * sizeof(*fill));
		*list = malloc(((*start)[n] ? (*start)[n] : 1) * sizeof(**list));
		if (!*list)
			goto fail;
	}
	free(fill);
	return 0;
fail:
	free(fill);
	free(*start);
	*start = NULL;
	return -ENOMEM;
}

int filter_joins(const struct filter_build *b, const struct classes *rows,
		 const struct classes *cols, uint64_t limit, uint64_t **keys, size_t *n_keys)
{
	struct key_set ks = {0};
	uint32_t *start, *list;
	int err = -ENOMEM;

	*keys = NULL;
	*n_keys = 0;
	if (cols_by_rule(b, cols, &start, &list))
		return -ENOMEM;
	for (uint32_t row = 0; row < rows->n; row++) {
		const uint64_t *set = classes_set(rows, row);

		for (size_t w = 0; w < b->words; w++)
			for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
				size_t r = w * 64 + (size_t)__builtin_ctzll(bits);

				for (uint32_t i = start[r]; i < start[r + 1]; i++)
					if (key_add(&ks, (uint64_t)row << 32 | list[i]))
						goto out;
				if (ks.n > limit) {
					err = -E2BIG;
					goto out;
				}
			}
	}
	*keys = malloc((ks.n ? ks.n : 1) * sizeof(**keys));
	if (!*keys)
		goto out;
	for (size_t i = 0; i < ks.cap; i++)
		if (ks.keys[i])
			(*keys)[(*n_keys)++] = ks.keys[i] - 1;
	err = 0;
out:
	free(ks.keys);
	free(start);
	free(list);
	return err;
}
