// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include "lb/maglev.h"

/*
 * Trial division by 6k +/- 1 is at most ~11,000 divisions for a 32-bit n:
 * microseconds, once per table build, so nothing cleverer is worth its risk.
 */
bool maglev_is_prime(uint32_t n)
{
	if (n < 2)
		return false;
	if (n < 4)
		return true;
	if (n % 2 == 0 || n % 3 == 0)
		return false;
	/* d * d in 64 bits: for n near 2^32, d reaches 65537 and d * d overflows 32 bits. */
	for (uint64_t d = 5; d * d <= n; d += 6)
		if (n % d == 0 || n % (d + 2) == 0)
			return false;
	return true;
}
