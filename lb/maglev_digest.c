// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The digest of a table that fleet nodes compare (see maglev.h). */
#include <stdio.h>

#include "lb/maglev.h"
#include "lb/maglev_key.h"

/* "sluice-d" and "sluice-e" in ASCII: apart from the permutation's seeds. */
static const uint64_t lane_seed[2] = { 0x736c756963652d64ULL, 0x736c756963652d65ULL };

/* One step of a lane: the state and the item's own hash, hashed together. */
static void absorb(struct maglev_digest *d, const uint8_t *item, size_t len)
{
	uint8_t both[16];
	size_t i, b;

	for (i = 0; i < 2; i++) {
		uint64_t h = maglev_hash(item, len, lane_seed[i]);

		/* Bytes by shifts: the same digest on every byte order. */
		for (b = 0; b < 8; b++) {
			both[b] = (uint8_t)(d->lane[i] >> (8 * b));
			both[8 + b] = (uint8_t)(h >> (8 * b));
		}
		d->lane[i] = maglev_hash(both, sizeof(both), lane_seed[i]);
	}
}

void maglev_digest_init(struct maglev_digest *d, uint32_t m)
{
	const uint8_t size[4] = { (uint8_t)m, (uint8_t)(m >> 8), (uint8_t)(m >> 16),
				  (uint8_t)(m >> 24) };

	d->lane[0] = lane_seed[0];
	d->lane[1] = lane_seed[1];
	absorb(d, size, sizeof(size));
}

void maglev_digest_slot(struct maglev_digest *d, const uint8_t *key, size_t len)
{
	/* An empty slot hashes as no bytes at all, which no backend key is. */
	absorb(d, key, len);
}

const char *maglev_digest_hex(const struct maglev_digest *d, char out[MAGLEV_DIGEST_HEX_LEN])
{
	snprintf(out, MAGLEV_DIGEST_HEX_LEN, "%016llx%016llx", (unsigned long long)d->lane[0],
		 (unsigned long long)d->lane[1]);
	return out;
}
