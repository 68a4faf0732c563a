// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The seal's FNV-1a digest, with runs of zero bytes taken in one step. */
#include <string.h>

#include "kernel/seal_digest.h"

#define SHORT_RUNS	64	/* zero runs up to this long take one multiplication */

/* SEAL_DIGEST_PRIME to the power n (mod 2^64), by squaring. */
static __u64 prime_pow(size_t n)
{
	__u64 r = 1, b = SEAL_DIGEST_PRIME;

	for (; n; n >>= 1, b *= b)
		if (n & 1)
			r *= b;
	return r;
}

/* The prime to each power below SHORT_RUNS, made once. */
static const __u64 *short_powers(void)
{
	static __u64 pow[SHORT_RUNS];

	if (!pow[0]) {
		pow[0] = 1;
		for (size_t k = 1; k < SHORT_RUNS; k++)
			pow[k] = pow[k - 1] * SEAL_DIGEST_PRIME;
	}
	return pow;
}

/*
 * A zero byte only multiplies by the prime, so a run of k zero bytes is one
 * multiplication by the prime to the k: the same digest, in a fraction of the time
 * over what is sealed: arrays mostly empty (4 MiB of rule_meta, twice an apply) and
 * the filter's 3 MiB of cells, small numbers in 8 bytes, mostly zero bytes.
 */
__u64 seal_digest_mix(__u64 h, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;
	const __u64 *pow = short_powers();

	while (p < end) {
		const unsigned char *zero = p;
		__u64 word;

		while (zero + sizeof(word) <= end && (memcpy(&word, zero, sizeof(word)), !word))
			zero += sizeof(word);
		while (zero < end && !*zero)
			zero++;
		if (zero > p) {
			h *= (size_t)(zero - p) < SHORT_RUNS ? pow[zero - p] :
							       prime_pow((size_t)(zero - p));
			p = zero;
			continue;
		}
		h = (h ^ *p++) * SEAL_DIGEST_PRIME;
	}
	return h;
}
