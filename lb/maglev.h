/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Weighted Maglev consistent hashing (Eisenbud et al., NSDI'16, section 3.4), pure C.
 *
 * Backends are named by a stable key (e.g. address and port bytes). Tables depend
 * only on the set of (key, weight) pairs, not on their order in the input, so every
 * node built from the same config produces the same table.
 */
#ifndef SLUICE_LB_MAGLEV_H
#define SLUICE_LB_MAGLEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAGLEV_KEY_MAX	32
#define MAGLEV_EMPTY	UINT32_MAX	/* table slot value when no backend has weight */

struct maglev_backend {
	uint8_t key[MAGLEV_KEY_MAX];	/* stable identity, zero-padded */
	uint8_t key_len;
	uint32_t weight;		/* 0 = present but takes no slots (draining) */
};

bool maglev_is_prime(uint32_t n);

/*
 * A backend's place in the paper's permutation for a table of size m:
 * offset = h1(key) mod m, skip = h2(key) mod (m - 1) + 1, where h1 and h2 are one
 * fixed 64-bit hash of the key bytes under two fixed seeds. The result is part
 * of the on-wire behaviour of a fleet (every node must agree on it), so it never
 * changes between versions nor with the host's byte order. Returns 0, or -EINVAL
 * when m < 2 or key_len is 0 or above MAGLEV_KEY_MAX.
 */
int maglev_permutation(const struct maglev_backend *b, uint32_t m,
		       uint32_t *offset, uint32_t *skip);

/*
 * The fill step alone: backend i walks (offset[i] + j * skip[i]) mod m and takes
 * turns in proportion to weight[i]; within a round lower indices go first, so the
 * index order breaks ties. table[] receives indices 0..n-1, or MAGLEV_EMPTY in
 * every slot when no weight is non-zero. Returns 0, or -EINVAL when m is not a
 * prime, n > m, an offset is not below m or a skip is not in 1..m-1; -ENOMEM on
 * allocation failure. On error table[] is left untouched.
 */
int maglev_fill(const uint32_t *offset, const uint32_t *skip, const uint32_t *weight,
		size_t n, uint32_t m, uint32_t *table);

/*
 * Fill table[0..m-1] with indices into backends[] (in the caller's order).
 * Slots are shared in proportion to weight. With no backend of non-zero weight
 * every slot is MAGLEV_EMPTY. Returns 0, or -EINVAL when m is not a prime or n is
 * larger than m, or keys are duplicated; -ENOMEM on allocation failure.
 *
 * Also -EINVAL for a key_len of 0 or above MAGLEV_KEY_MAX. Only key[0..key_len-1]
 * names a backend (padding is ignored); keys of different lengths are different.
 * n may be 0. Every backend with non-zero weight holds at least one slot, and any
 * uint32_t weight is accepted (the arithmetic cannot overflow). On error table[]
 * is left untouched.
 */
int maglev_build(const struct maglev_backend *backends, size_t n, uint32_t m,
		 uint32_t *table);

/*
 * Balance: the largest ratio, over backends with weight, of the slots a backend
 * holds to the slots its weight entitles it to (1.0 is perfect). 0.0 when no
 * backend has weight; NAN if memory runs out.
 */
double maglev_balance(const struct maglev_backend *backends, size_t n,
		      const uint32_t *table, uint32_t m);

/*
 * Share of slots (0..1) whose backend key differs between two tables of size m.
 * A slot that is MAGLEV_EMPTY in one table only counts as differing.
 */
double maglev_disruption(const struct maglev_backend *old_backends, const uint32_t *old_table,
			 const struct maglev_backend *new_backends, const uint32_t *new_table,
			 uint32_t m);

/*
 * A digest of a live table, so that the nodes of a fleet can show they hold the
 * same one: fed the table size, then each slot's backend key in slot order (len 0
 * for an empty slot). 128 bits of the frozen backend hash, chained: the same on
 * every host and version, and two tables that differ in one slot differ in it. It
 * tells tables apart; it is no defence against someone forging one.
 */
struct maglev_digest {
	uint64_t lane[2];
};

#define MAGLEV_DIGEST_HEX_LEN	33	/* 32 hex digits and the NUL */

void maglev_digest_init(struct maglev_digest *d, uint32_t m);
void maglev_digest_slot(struct maglev_digest *d, const uint8_t *key, size_t len);
const char *maglev_digest_hex(const struct maglev_digest *d, char out[MAGLEV_DIGEST_HEX_LEN]);

#endif /* SLUICE_LB_MAGLEV_H */
