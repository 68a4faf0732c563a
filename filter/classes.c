// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Interned sets of rule positions, named by dense ids. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter/classes.h"

int classes_init(struct classes *c, size_t words)
{
	memset(c, 0, sizeof(*c));
	c->words = words ? words : 1;
	c->n_slots = 64;
	c->slots = calloc(c->n_slots, sizeof(*c->slots));
	return c->slots ? 0 : -ENOMEM;
}

void classes_free(struct classes *c)
{
	free(c->sets);
	free(c->slots);
	memset(c, 0, sizeof(*c));
}

static uint64_t set_hash(const uint64_t *set, size_t words)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < words; i++) {
		h ^= set[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

static uint32_t *find_slot(const struct classes *c, const uint64_t *set, uint64_t hash)
{
	uint32_t mask = c->n_slots - 1, i = (uint32_t)hash & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t *slot = &c->slots[i];

		if (!*slot || !memcmp(classes_set(c, *slot - 1), set, c->words * 8))
			return slot;
	}
}

/* Keep the table at most half full so probes stay short. */
static int grow_slots(struct classes *c)
{
	uint32_t *old = c->slots, old_n = c->n_slots;

	c->n_slots *= 2;
	c->slots = calloc(c->n_slots, sizeof(*c->slots));
	if (!c->slots) {
		c->slots = old;
		c->n_slots = old_n;
		return -ENOMEM;
	}
	for (uint32_t id = 0; id < c->n; id++) {
		const uint64_t *set = classes_set(c, id);

		*find_slot(c, set, set_hash(set, c->words)) = id + 1;
	}
	free(old);
	return 0;
}

int64_t classes_intern(struct classes *c, const uint64_t *set)
{
	uint64_t hash = set_hash(set, c->words);
	uint32_t *slot = find_slot(c, set, hash);

	if (*slot)
		return *slot - 1;
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 64;
		uint64_t *sets = realloc(c->sets, (size_t)cap * c->words * 8);

		if (!sets)
			return -1;
		c->sets = sets;
		c->cap = cap;
	}
	memcpy(c->sets + (size_t)c->n * c->words, set, c->words * 8);
	c->n++;
	if (c->n * 2 > c->n_slots) {
		if (grow_slots(c))
			return -1;
		slot = find_slot(c, set, hash);
	}
	*slot = c->n;
	return c->n - 1;
}
