// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conf/closest.h"

/* Keys and keywords are short; longer words are not misspellings of them. */
#define WORD_MAX	32

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Edit distance counting a swap of two neighbours as one edit (the usual typo),
 * ignoring case so that "TCP" points at "tcp".
 */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			bool same = tolower((unsigned char)a[i - 1]) ==
				    tolower((unsigned char)b[j - 1]);

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + !same);
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* "addr" for "address", "backends" for "backend": one word cut short of the other. */
static bool is_prefix(const char *a, size_t la, const char *b, size_t lb)
{
	size_t shorter = la < lb ? la : lb;

	return shorter >= 3 && strncasecmp(a, b, shorter) == 0;
}

const char *conf_closest(const char *word, const char *const *choices, size_t n)
{
	size_t lw = strlen(word);
	const char *best = NULL;
	size_t best_d = WORD_MAX + 1;

	if (lw == 0 || lw > WORD_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t lc = strlen(choices[i]);
		size_t longer = lw > lc ? lw : lc;
		size_t d, limit;

		if (lc > WORD_MAX)
			continue;
		d = distance(word, lw, choices[i], lc);
		/* A third of the word may be wrong, and at least one letter. */
		limit = longer / 3 ? longer / 3 : 1;
		if (d > limit && !is_prefix(word, lw, choices[i], lc))
			continue;
		if (d < best_d) {
			best = choices[i];
			best_d = d;
		}
	}
	return best;
}

void conf_join_choices(char *buf, size_t len, const char *const *choices, size_t n)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(buf + used, len - used, "%s%s", sep, choices[i]);

		if (w < 0)
			return;
		used += (size_t)w;
	}
}
