// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The backend hash behind offset and skip. Every node of a fleet must compute the
 * same permutation for the same key, across versions and architectures, so this
 * file is frozen: changing a constant or the byte order of a word moves every
 * backend of every table.
 */
#include <errno.h>

#include "lb/maglev.h"
#include "lb/maglev_key.h"

/* Two fixed seeds, "sluice-1" and "sluice-2" in ASCII: arbitrary but recognisable. */
#define MAGLEV_SEED_OFFSET	0x736c756963652d31ULL
#define MAGLEV_SEED_SKIP	0x736c756963652d32ULL
#define GOLDEN_GAMMA		0x9e3779b97f4a7c15ULL

/*
 * A bijective xor-shift/multiply mixer: every input bit flips about half of the
 * output bits. The multipliers are SplitMix64's finaliser constants, chosen by
 * their authors for avalanche quality.
 */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/*
 * Words are assembled from bytes little-endian by shifts, never loaded, so a
 * big-endian host gets the same value. The length enters first, so a key and the
 * same key with trailing zero bytes differ. Each word goes through the bijective
 * mixer chained on the state, so every key byte reaches every output bit.
 */
uint64_t maglev_hash(const uint8_t *key, size_t len, uint64_t seed)
{
	uint64_t h = mix64(seed ^ (len * GOLDEN_GAMMA));

	for (size_t i = 0; i < len; i += 8) {
		uint64_t word = 0;

		for (size_t b = 0; b < 8 && i + b < len; b++)
			word |= (uint64_t)key[i + b] << (8 * b);
		h = mix64(h ^ word);
	}
	return h;
}

int maglev_permutation(const struct maglev_backend *b, uint32_t m,
		       uint32_t *offset, uint32_t *skip)
{
	if (m < 2 || !maglev_key_valid(b))
		return -EINVAL;
	*offset = maglev_hash(b->key, b->key_len, MAGLEV_SEED_OFFSET) % m;
	*skip = maglev_hash(b->key, b->key_len, MAGLEV_SEED_SKIP) % (m - 1) + 1;
	return 0;
}
