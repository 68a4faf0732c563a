// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The seal's digest is FNV-1a byte by byte, whatever shortcut computes it: pinned
 * seals of a running node hold its values, so a different value would name an
 * untouched state tampered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/seal_digest.h"

/* FNV-1a as its authors define it: one byte at a time. */
static __u64 reference(__u64 h, const unsigned char *p, size_t len)
{
	while (len--)
		h = (h ^ *p++) * SEAL_DIGEST_PRIME;
	return h;
}

static uint64_t rng_next(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* The published FNV-1a 64 values of "" and "a". */
static void test_known_values(void **state)
{
	(void)state;
	assert_true(seal_digest_mix(SEAL_DIGEST_START, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(seal_digest_mix(SEAL_DIGEST_START, "a", 1) == 0xaf63dc4c8601ec8cULL);
}

/*
 * Buffers of every length up to 600 at every alignment, from all zero to all
 * non-zero, zero runs of any length and place: the same value as byte by byte.
 */
static void test_same_as_byte_by_byte(void **state)
{
	unsigned char *buf = calloc(640, 1);
	uint64_t seed = 5;

	(void)state;
	assert_non_null(buf);
	for (int round = 0; round < 6000; round++) {
		size_t len = rng_next(&seed) % 600, off = rng_next(&seed) % 8;
		unsigned int sparse = 1 + round % 11;
		__u64 start = round % 2 ? SEAL_DIGEST_START : rng_next(&seed);

		memset(buf, 0, 640);
		for (size_t i = 0; i < len; i++)
			if (rng_next(&seed) % sparse == 0)
				buf[off + i] = (unsigned char)rng_next(&seed);
		assert_true(seal_digest_mix(start, buf + off, len) ==
			    reference(start, buf + off, len));
	}
	free(buf);
}

/* An array as large as the rule metadata sealed, a few entries in use. */
static void test_large_sparse(void **state)
{
	const size_t len = 4 << 20;
	unsigned char *buf = calloc(len, 1);
	uint64_t seed = 9;

	(void)state;
	assert_non_null(buf);
	for (int i = 0; i < 200; i++)
		buf[rng_next(&seed) % len] = (unsigned char)(1 + rng_next(&seed) % 255);
	assert_true(seal_digest_mix(SEAL_DIGEST_START, buf, len) ==
		    reference(SEAL_DIGEST_START, buf, len));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_same_as_byte_by_byte),
		cmocka_unit_test(test_large_sparse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
