/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * meson reads every test program's TAP output (CMOCKA_MESSAGE_OUTPUT=TAP) and TAP
 * allows one plan per program, so a program whose tests come in several arrays
 * runs them all as one cmocka group.
 */
#ifndef SLUICE_TESTS_ONE_GROUP_H
#define SLUICE_TESTS_ONE_GROUP_H

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

struct test_part {
	const struct CMUnitTest *tests;
	size_t n;
};

/* Returns the number of failed tests, or 1 when out of memory. */
static inline int run_one_group(const char *name, const struct test_part *parts,
				size_t n_parts)
{
	struct CMUnitTest *all;
	size_t i, n = 0;
	int failed;

	for (i = 0; i < n_parts; i++)
		n += parts[i].n;
	all = calloc(n, sizeof(*all));
	if (!all)
		return 1;
	for (n = 0, i = 0; i < n_parts; n += parts[i].n, i++)
		memcpy(&all[n], parts[i].tests, parts[i].n * sizeof(*all));
	failed = _cmocka_run_group_tests(name, all, n, NULL, NULL);
	free(all);
	return failed;
}

#endif /* SLUICE_TESTS_ONE_GROUP_H */
