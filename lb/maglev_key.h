/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Backend identity, shared by the table builder and the metrics. Internal to lb/. */
#ifndef SLUICE_LB_MAGLEV_KEY_H
#define SLUICE_LB_MAGLEV_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lb/maglev.h"

static inline bool maglev_key_valid(const struct maglev_backend *b)
{
	return b->key_len >= 1 && b->key_len <= MAGLEV_KEY_MAX;
}

/*
 * Bytes first, then length: a total order that is the same on every host,
 * since the sorted order decides ties and must agree across a fleet.
 */
static inline int maglev_key_cmp(const struct maglev_backend *a,
				 const struct maglev_backend *b)
{
	size_t len = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, len);

	if (c)
		return c;
	return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* The frozen 64-bit hash of key bytes under a seed (maglev_hash.c). */
uint64_t maglev_hash(const uint8_t *key, size_t len, uint64_t seed);

#endif /* SLUICE_LB_MAGLEV_KEY_H */
