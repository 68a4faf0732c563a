/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A fuzzer's input read as a stream of numbers: each harness turns bytes into the
 * structured values it needs (rules, backends, packets). Past the end every read
 * gives 0, so any input, even an empty one, decodes to something.
 */
#ifndef SLUICE_FUZZ_BYTES_H
#define SLUICE_FUZZ_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct bytes {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t take8(struct bytes *b)
{
	if (!b->n)
		return 0;
	b->n--;
	return *b->p++;
}

static inline uint16_t take16(struct bytes *b)
{
	return (uint16_t)(take8(b) << 8 | take8(b));
}

static inline uint32_t take32(struct bytes *b)
{
	return (uint32_t)take16(b) << 16 | take16(b);
}

#endif /* SLUICE_FUZZ_BYTES_H */
