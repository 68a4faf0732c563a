/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Equivalence classes of filter rules: sets of rule positions, as bitsets of a fixed
 * number of words, each interned once and named by a dense id (0, 1, 2...). The
 * filter compiler turns every field value, and every combination of classes, into
 * such an id, so equal rule sets share one row of the tables.
 */
#ifndef SLUICE_FILTER_CLASSES_H
#define SLUICE_FILTER_CLASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct classes {
	size_t words;		/* per set */
	uint64_t *sets;		/* n * words */
	uint32_t n, cap;
	uint32_t *slots;	/* open addressing: id + 1, 0 = free */
	uint32_t n_slots;	/* a power of two */
};

int classes_init(struct classes *c, size_t words);
void classes_free(struct classes *c);

/* The id of this set, added if new; -1 when out of memory. */
int64_t classes_intern(struct classes *c, const uint64_t *set);

static inline const uint64_t *classes_set(const struct classes *c, uint32_t id)
{
	return c->sets + (size_t)id * c->words;
}

static inline void bits_set(uint64_t *set, uint32_t bit)
{
	set[bit / 64] |= 1ULL << (bit % 64);
}

static inline bool bits_test(const uint64_t *set, uint32_t bit)
{
	return set[bit / 64] >> (bit % 64) & 1;
}

static inline void bits_and(uint64_t *out, const uint64_t *a, const uint64_t *b, size_t words)
{
	for (size_t i = 0; i < words; i++)
		out[i] = a[i] & b[i];
}

static inline void bits_or(uint64_t *out, const uint64_t *a, size_t words)
{
	for (size_t i = 0; i < words; i++)
		out[i] |= a[i];
}

#endif /* SLUICE_FILTER_CLASSES_H */
