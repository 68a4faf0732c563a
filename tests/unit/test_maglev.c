// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Maglev tables: the paper's example, balance, disruption, weights, fleet-wide
 * determinism, and the errors a caller can provoke.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lb/maglev.h"

#define M_DEFAULT	65537
#define M_SMALL		251

/* A backend as the control plane names one: IPv4 address 10.x.y.z, port 80. */
static struct maglev_backend backend(uint32_t id, uint32_t weight)
{
	struct maglev_backend b = {
		.key = { 10, id >> 16, id >> 8, id, 0, 80 },
		.key_len = 6,
		.weight = weight,
	};

	return b;
}

static struct maglev_backend *backends(size_t n, uint32_t weight)
{
	struct maglev_backend *b = calloc(n ? n : 1, sizeof(*b));

	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = backend(i + 1, weight);
	return b;
}

static uint32_t *new_table(uint32_t m)
{
	uint32_t *t = malloc(m * sizeof(*t));

	assert_non_null(t);
	return t;
}

static uint32_t *build(const struct maglev_backend *b, size_t n, uint32_t m)
{
	uint32_t *t = new_table(m);

	assert_int_equal(maglev_build(b, n, m, t), 0);
	return t;
}

static uint32_t *slot_counts(const uint32_t *table, uint32_t m, size_t n)
{
	uint32_t *held = calloc(n, sizeof(*held));

	assert_non_null(held);
	for (uint32_t s = 0; s < m; s++) {
		assert_true(table[s] < n);
		held[table[s]]++;
	}
	return held;
}

/* Deterministic generator for shuffles and weights (xorshift64). */
static uint64_t rng_next(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void shuffle(struct maglev_backend *b, size_t n, uint64_t seed)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_next(&seed) % i;
		struct maglev_backend tmp = b[i - 1];

		b[i - 1] = b[j];
		b[j] = tmp;
	}
}

static void assert_same_key(const struct maglev_backend *a, const struct maglev_backend *b)
{
	assert_int_equal(a->key_len, b->key_len);
	assert_memory_equal(a->key, b->key, a->key_len);
}

/* ---- primes ---- */

static void test_is_prime(void **state)
{
	(void)state;
	assert_false(maglev_is_prime(0));
	assert_false(maglev_is_prime(1));
	assert_true(maglev_is_prime(2));
	assert_true(maglev_is_prime(3));
	assert_false(maglev_is_prime(4));
	assert_false(maglev_is_prime(9));
	assert_false(maglev_is_prime(25));
	assert_true(maglev_is_prime(M_SMALL));
	assert_true(maglev_is_prime(M_DEFAULT));
	assert_false(maglev_is_prime(65535));
	assert_false(maglev_is_prime(65536));
	assert_true(maglev_is_prime(2147483647u));
	/* 65521^2: the divisor sits exactly at the square root. */
	assert_false(maglev_is_prime(4293001441u));
	assert_true(maglev_is_prime(4294967291u));	/* largest 32-bit prime */
	assert_false(maglev_is_prime(UINT32_MAX));
}

/* ---- the fill step: paper, NSDI'16 Table 1 ---- */

static void test_paper_table1(void **state)
{
	/* B0: offset 3 skip 4; B1: offset 0 skip 2; B2: offset 3 skip 1. */
	const uint32_t offset[] = { 3, 0, 3 }, skip[] = { 4, 2, 1 }, weight[] = { 1, 1, 1 };
	const uint32_t before[7] = { 1, 0, 1, 0, 2, 2, 0 };
	uint32_t table[7];

	(void)state;
	assert_int_equal(maglev_fill(offset, skip, weight, 3, 7, table), 0);
	assert_memory_equal(table, before, sizeof(before));
}

static void test_paper_table1_without_b1(void **state)
{
	/*
	 * B0 and B2 alone: B0 B0 B0 B0 B2 B2 B2. Slots 0 and 2 were B1's and
	 * must move; slot 6 moves from B0 to B2 too, the paper's example of
	 * Maglev's small extra disruption.
	 */
	const uint32_t offset[] = { 3, 3 }, skip[] = { 4, 1 }, weight[] = { 1, 1 };
	const uint32_t after[7] = { 0, 0, 0, 0, 1, 1, 1 };
	uint32_t table[7];

	(void)state;
	assert_int_equal(maglev_fill(offset, skip, weight, 2, 7, table), 0);
	assert_memory_equal(table, after, sizeof(after));
}

/* The paper's tables again, through the metrics: 3 of 7 slots change owner. */
static void test_paper_disruption(void **state)
{
	struct maglev_backend all[3] = { backend(0, 1), backend(1, 1), backend(2, 1) };
	struct maglev_backend left[2] = { all[0], all[2] };
	const uint32_t before[7] = { 1, 0, 1, 0, 2, 2, 0 };
	const uint32_t after[7] = { 0, 0, 0, 0, 1, 1, 1 };

	(void)state;
	assert_float_equal(maglev_disruption(all, before, left, after, 7), 3.0 / 7, 1e-12);
	assert_float_equal(maglev_disruption(all, before, all, before, 7), 0.0, 0);
	/* B0 holds 3 of 7 slots against 7/3 entitled. */
	assert_float_equal(maglev_balance(all, 3, before, 7), 3.0 / (7.0 / 3), 1e-12);
}

static void check_fill_einval(const uint32_t *offset, const uint32_t *skip,
			      const uint32_t *weight, size_t n, uint32_t m)
{
	uint32_t table[16];

	memset(table, 0xab, sizeof(table));
	assert_int_equal(maglev_fill(offset, skip, weight, n, m, table), -EINVAL);
	for (int s = 0; s < 16; s++)
		assert_int_equal(table[s], 0xabababab);
}

static void test_fill_errors(void **state)
{
	const uint32_t offset[] = { 3, 0 }, skip[] = { 4, 2 }, weight[] = { 1, 1 };
	const uint32_t offset_m[] = { 3, 7 }, skip_0[] = { 4, 0 }, skip_m[] = { 4, 7 };
	const uint32_t many[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };

	(void)state;
	check_fill_einval(offset, skip, weight, 2, 9);		/* not a prime */
	check_fill_einval(offset, skip, weight, 2, 1);
	check_fill_einval(many, many, many, 8, 7);		/* more backends than slots */
	check_fill_einval(offset_m, skip, weight, 2, 7);	/* offset not below m */
	check_fill_einval(offset, skip_0, weight, 2, 7);	/* skip 0 never moves */
	check_fill_einval(offset, skip_m, weight, 2, 7);	/* skip m is skip 0 */
}

/*
 * The documented rule, walked naively round by round: each round a backend
 * earns its weight and spends wmax per turn, starting with wmax - w of credit.
 */
static void reference_fill(const uint32_t *offset, const uint32_t *skip, const uint32_t *weight,
			   size_t n, uint32_t m, uint32_t *table)
{
	uint64_t credit[16];
	uint32_t next[16], wmax = 0, filled = 0;

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++)
		wmax = weight[i] > wmax ? weight[i] : wmax;
	for (size_t i = 0; i < n; i++) {
		credit[i] = wmax - weight[i];
		next[i] = offset[i];
	}
	for (uint32_t s = 0; s < m; s++)
		table[s] = MAGLEV_EMPTY;
	while (filled < m) {
		for (size_t i = 0; i < n && filled < m; i++) {
			if (!weight[i])
				continue;
			credit[i] += weight[i];
			if (credit[i] < wmax)
				continue;
			credit[i] -= wmax;
			while (table[next[i]] != MAGLEV_EMPTY)
				next[i] = (next[i] + skip[i]) % m;
			table[next[i]] = i;
			filled++;
		}
	}
}

static void test_fill_follows_documented_rounds(void **state)
{
	const uint32_t m = 1009;
	uint64_t seed = 42;
	uint32_t offset[16], skip[16], weight[16];
	uint32_t *want = new_table(m), *got = new_table(m);

	(void)state;
	for (int trial = 0; trial < 50; trial++) {
		size_t n = 1 + rng_next(&seed) % 16;

		for (size_t i = 0; i < n; i++) {
			offset[i] = rng_next(&seed) % m;
			skip[i] = 1 + rng_next(&seed) % (m - 1);
			/* Some zeros, some ties, wide spreads. */
			weight[i] = rng_next(&seed) % 4 == 0 ? 0 : 1 + rng_next(&seed) % 50;
		}
		weight[0] = 1 + trial;
		reference_fill(offset, skip, weight, n, m, want);
		assert_int_equal(maglev_fill(offset, skip, weight, n, m, got), 0);
		assert_memory_equal(got, want, m * sizeof(*got));
	}
	free(want);
	free(got);
}

/* ---- the backend hash ---- */

/*
 * Pinned on purpose: nodes of a fleet running different sluice versions must
 * build the same table, so offset and skip of a key may never change (nor
 * differ on a big-endian host). Keys of 6 (IPv4 + port), 18 (IPv6 + port) and
 * 32 bytes cover a partial word, several words and the longest key.
 */
static void test_permutation_is_frozen(void **state)
{
	struct maglev_backend v4 = { .key = { 10, 0, 1, 11, 0, 80 }, .key_len = 6 };
	struct maglev_backend v6 = {
		.key = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0xbb },
		.key_len = 18,
	};
	struct maglev_backend longest = { .key_len = MAGLEV_KEY_MAX };
	uint32_t offset, skip;

	(void)state;
	for (int i = 0; i < MAGLEV_KEY_MAX; i++)
		longest.key[i] = i;
	assert_int_equal(maglev_permutation(&v4, M_DEFAULT, &offset, &skip), 0);
	assert_int_equal(offset, 3394);
	assert_int_equal(skip, 41030);
	assert_int_equal(maglev_permutation(&v4, M_SMALL, &offset, &skip), 0);
	assert_int_equal(offset, 72);
	assert_int_equal(skip, 224);
	assert_int_equal(maglev_permutation(&v6, M_DEFAULT, &offset, &skip), 0);
	assert_int_equal(offset, 20898);
	assert_int_equal(skip, 35236);
	assert_int_equal(maglev_permutation(&longest, M_DEFAULT, &offset, &skip), 0);
	assert_int_equal(offset, 45843);
	assert_int_equal(skip, 23255);
}

static void test_permutation_errors(void **state)
{
	struct maglev_backend b = backend(1, 1);
	uint32_t offset, skip;

	(void)state;
	assert_int_equal(maglev_permutation(&b, 1, &offset, &skip), -EINVAL);
	assert_int_equal(maglev_permutation(&b, 0, &offset, &skip), -EINVAL);
	b.key_len = 0;
	assert_int_equal(maglev_permutation(&b, M_SMALL, &offset, &skip), -EINVAL);
	b.key_len = MAGLEV_KEY_MAX + 1;
	assert_int_equal(maglev_permutation(&b, M_SMALL, &offset, &skip), -EINVAL);
}

/*
 * Backends are usually consecutive addresses: their offsets and skips must
 * still be spread evenly. 100 keys per bucket on average, standard deviation
 * about 10: a well-mixed hash keeps every bucket within 5 deviations, a weak
 * one (sums, plain xor of bytes) piles keys into few buckets.
 */
static void test_permutation_spreads_sequential_keys(void **state)
{
	uint32_t offsets[M_SMALL] = { 0 }, skips[M_SMALL - 1] = { 0 };

	(void)state;
	for (uint32_t id = 0; id < 100 * M_SMALL; id++) {
		struct maglev_backend b = backend(id, 1);
		uint32_t offset, skip;

		assert_int_equal(maglev_permutation(&b, M_SMALL, &offset, &skip), 0);
		assert_true(offset < M_SMALL);
		assert_true(skip >= 1 && skip < M_SMALL);
		offsets[offset]++;
		skips[skip - 1]++;
	}
	for (int i = 0; i < M_SMALL; i++)
		assert_in_range(offsets[i], 50, 150);
	for (int i = 0; i < M_SMALL - 1; i++)
		assert_in_range(skips[i], 50, 151);
}

/* maglev_build is the fill over key-sorted backends and their permutations. */
static void test_build_is_fill_over_sorted_keys(void **state)
{
	const size_t n = 5;
	struct maglev_backend b[5] = {
		backend(40, 3), backend(7, 1), backend(300, 2), backend(2, 0), backend(9, 5),
	};
	/* Sorted by key bytes: 2, 7, 9, 40, 300 (10.0.1.44 sorts after 10.0.0.x). */
	const size_t order[5] = { 3, 1, 4, 0, 2 };
	uint32_t offset[5], skip[5], weight[5];
	uint32_t *want = new_table(M_SMALL), *got;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(maglev_permutation(&b[order[i]], M_SMALL, &offset[i], &skip[i]), 0);
		weight[i] = b[order[i]].weight;
	}
	assert_int_equal(maglev_fill(offset, skip, weight, n, M_SMALL, want), 0);
	got = build(b, n, M_SMALL);
	for (uint32_t s = 0; s < M_SMALL; s++)
		assert_int_equal(got[s], order[want[s]]);
	free(want);
	free(got);
}

/* ---- balance ---- */

/*
 * With equal weights every round gives each backend one slot, so each holds
 * floor(m/n) or ceil(m/n) slots and the balance is below 1 + n/m: under 1.01
 * whenever m >= 100 * n, as the paper recommends sizing tables.
 */
static void check_equal_balance(uint32_t m, size_t n)
{
	struct maglev_backend *b = backends(n, 100);
	uint32_t *t = build(b, n, m);
	uint32_t *held = slot_counts(t, m, n);
	double balance = maglev_balance(b, n, t, m);

	for (size_t i = 0; i < n; i++)
		assert_in_range(held[i], m / n, (m + n - 1) / n);
	print_message("# balance m=%u n=%zu: %.5f\n", m, n, balance);
	assert_true(balance >= 1.0);
	assert_true(balance < 1.0 + (double)n / m);
	if (m >= 100 * n)
		assert_true(balance < 1.01);
	free(held);
	free(t);
	free(b);
}

static void test_balance_equal_weights(void **state)
{
	(void)state;
	check_equal_balance(M_DEFAULT, 10);
	check_equal_balance(M_DEFAULT, 100);
	check_equal_balance(M_DEFAULT, 1000);
	check_equal_balance(M_SMALL, 2);
}

/*
 * Weighted, share = m * w / sum(w): a backend holds fewer than share + 2 slots
 * (see lb/maglev_fill.c), and more than share - n * w / sum(w) - 1, since the
 * table cannot fill before every backend has had its due turns up to the
 * second-to-last round.
 */
static double check_weighted_share(const struct maglev_backend *b, size_t n, uint32_t m,
				   const uint32_t *table)
{
	uint32_t *held = slot_counts(table, m, n);
	double worst = 0.0;
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += b[i].weight;
	for (size_t i = 0; i < n; i++) {
		double share = (double)m * b[i].weight / total;

		if (!b[i].weight) {
			assert_int_equal(held[i], 0);
			continue;
		}
		if (held[i] >= share + 2 || held[i] <= share - (double)n * b[i].weight / total - 1)
			fail_msg("backend %zu holds %u slots, share %.2f", i, held[i], share);
		if (held[i] - share > worst)
			worst = held[i] - share;
	}
	free(held);
	return worst;
}

static void test_weights_1_2_3(void **state)
{
	struct maglev_backend b[3] = { backend(1, 1), backend(2, 2), backend(3, 3) };
	uint32_t *t = build(b, 3, M_DEFAULT);
	uint32_t *held = slot_counts(t, M_DEFAULT, 3);

	(void)state;
	check_weighted_share(b, 3, M_DEFAULT, t);
	print_message("# weights 1:2:3 m=%u: %u %u %u slots, balance %.5f\n", M_DEFAULT,
		      held[0], held[1], held[2], maglev_balance(b, 3, t, M_DEFAULT));
	assert_true(maglev_balance(b, 3, t, M_DEFAULT) < 1.001);
	free(held);
	free(t);
}

static void test_weights_random(void **state)
{
	const size_t n = 100;
	struct maglev_backend *b = backends(n, 0);
	uint64_t seed = 7;
	uint32_t *t;

	(void)state;
	for (size_t i = 0; i < n; i++)
		b[i].weight = 1 + rng_next(&seed) % 1000;
	t = build(b, n, M_DEFAULT);
	/* Balance is a ratio: a weight-1 backend one slot over a 1.3-slot share shows 1.4. */
	print_message("# random weights 1..1000, n=%zu m=%u: at most %.2f slots over share, balance %.5f\n",
		      n, M_DEFAULT, check_weighted_share(b, n, M_DEFAULT, t),
		      maglev_balance(b, n, t, M_DEFAULT));
	free(t);
	free(b);
}

/*
 * 1 against 1,000,000: the light backend's share is 0.07 slot. It keeps
 * exactly one slot (every backend with weight takes a turn in round 0), so a
 * configured, weighted backend is never silently starved; the heavy one holds
 * the rest.
 */
static void test_weights_extreme(void **state)
{
	struct maglev_backend b[2] = { backend(1, 1), backend(2, 1000000) };
	uint32_t *t = build(b, 2, M_DEFAULT);
	uint32_t *held = slot_counts(t, M_DEFAULT, 2);

	(void)state;
	assert_int_equal(held[0], 1);
	assert_int_equal(held[1], M_DEFAULT - 1);
	free(held);
	free(t);
}

/* One heavy backend and 999 light ones: each light one keeps its single slot. */
static void test_weights_one_heavy_many_light(void **state)
{
	const size_t n = 1000;
	struct maglev_backend *b = backends(n, 1);
	uint32_t *t, *held;

	(void)state;
	b[500].weight = 1000000;
	t = build(b, n, M_DEFAULT);
	held = slot_counts(t, M_DEFAULT, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(held[i], i == 500 ? M_DEFAULT - (n - 1) : 1);
	free(held);
	free(t);
	free(b);
}

static void check_same_table(const uint32_t *w1, const uint32_t *w2, size_t n, uint32_t m)
{
	struct maglev_backend *a = backends(n, 0), *b = backends(n, 0);
	uint32_t *ta, *tb;

	for (size_t i = 0; i < n; i++) {
		a[i].weight = w1[i];
		b[i].weight = w2[i];
	}
	ta = build(a, n, m);
	tb = build(b, n, m);
	assert_memory_equal(ta, tb, m * sizeof(*ta));
	free(ta);
	free(tb);
	free(a);
	free(b);
}

static void test_weights_scale_invariant(void **state)
{
	const uint32_t small[] = { 1, 2, 3 }, big[] = { 1000, 2000, 3000 };
	const uint32_t skew[] = { 1, 1000000 }, skew_big[] = { 1000, 1000000000 };
	const uint32_t pair[] = { 1, 2 }, pair_top[] = { UINT32_MAX / 3, UINT32_MAX / 3 * 2 };

	(void)state;
	check_same_table(small, big, 3, M_DEFAULT);
	check_same_table(skew, skew_big, 2, M_DEFAULT);
	/* Weights near 2^32 are accepted and do not overflow. */
	check_same_table(pair, pair_top, 2, M_DEFAULT);
}

/* ---- weight 0, empty tables ---- */

static void test_weight_zero_takes_no_slot(void **state)
{
	const size_t n = 10;
	struct maglev_backend *b = backends(n, 5);
	struct maglev_backend *without = backends(n - 1, 5);
	uint32_t *t, *t_without;

	(void)state;
	b[3].weight = 0;
	for (size_t i = 0, j = 0; i < n; i++)
		if (i != 3)
			without[j++] = b[i];
	t = build(b, n, M_DEFAULT);
	t_without = build(without, n - 1, M_DEFAULT);
	for (uint32_t s = 0; s < M_DEFAULT; s++)
		assert_int_not_equal(t[s], 3);
	/* Draining a backend is the same as removing it. */
	assert_float_equal(maglev_disruption(b, t, without, t_without, M_DEFAULT), 0.0, 0);
	free(t);
	free(t_without);
	free(b);
	free(without);
}

static void check_all_empty(const uint32_t *t, uint32_t m)
{
	for (uint32_t s = 0; s < m; s++)
		assert_int_equal(t[s], MAGLEV_EMPTY);
}

static void test_no_weight_gives_empty_table(void **state)
{
	struct maglev_backend *b = backends(4, 0);
	uint32_t *t = build(b, 4, M_SMALL);
	uint32_t *none = build(NULL, 0, M_SMALL);
	struct maglev_backend one = backend(1, 1);
	uint32_t *full = build(&one, 1, M_SMALL);

	(void)state;
	check_all_empty(t, M_SMALL);
	check_all_empty(none, M_SMALL);
	assert_float_equal(maglev_balance(b, 4, t, M_SMALL), 0.0, 0);
	assert_float_equal(maglev_balance(NULL, 0, none, M_SMALL), 0.0, 0);
	/* Losing the last backend moves every slot, and gaining one fills them all. */
	assert_float_equal(maglev_disruption(&one, full, b, t, M_SMALL), 1.0, 0);
	assert_float_equal(maglev_disruption(b, t, &one, full, M_SMALL), 1.0, 0);
	free(full);
	free(none);
	free(t);
	free(b);
}

/* ---- determinism ---- */

static void test_order_does_not_matter(void **state)
{
	const size_t n = 100;
	struct maglev_backend *b = backends(n, 0), *shuffled = backends(n, 0);
	uint64_t seed = 99;
	uint32_t *t, *ts;

	(void)state;
	for (size_t i = 0; i < n; i++)
		b[i].weight = rng_next(&seed) % 5;	/* ties and zeros on purpose */
	memcpy(shuffled, b, n * sizeof(*b));
	t = build(b, n, M_DEFAULT);
	for (uint64_t round = 1; round <= 3; round++) {
		shuffle(shuffled, n, round);
		ts = build(shuffled, n, M_DEFAULT);
		for (uint32_t s = 0; s < M_DEFAULT; s++) {
			assert_int_equal(t[s] == MAGLEV_EMPTY, ts[s] == MAGLEV_EMPTY);
			if (t[s] != MAGLEV_EMPTY)
				assert_same_key(&b[t[s]], &shuffled[ts[s]]);
		}
		free(ts);
	}
	free(t);
	free(b);
	free(shuffled);
}

static void test_same_input_same_bytes(void **state)
{
	const size_t n = 50;
	struct maglev_backend *b = backends(n, 3);
	uint32_t *t1, *t2;

	(void)state;
	t1 = build(b, n, M_DEFAULT);
	t2 = new_table(M_DEFAULT);
	memset(t2, 0x5a, M_DEFAULT * sizeof(*t2));	/* no leftovers may show through */
	assert_int_equal(maglev_build(b, n, M_DEFAULT, t2), 0);
	assert_memory_equal(t1, t2, M_DEFAULT * sizeof(*t1));
	free(t1);
	free(t2);
	free(b);
}

/* Only key[0..key_len-1] names a backend: padding bytes are not part of it. */
static void test_key_padding_ignored(void **state)
{
	struct maglev_backend clean[2] = { backend(1, 1), backend(2, 1) };
	struct maglev_backend dirty[2] = { backend(1, 1), backend(2, 1) };
	uint32_t *tc, *td;

	(void)state;
	memset(dirty[0].key + 6, 0xff, MAGLEV_KEY_MAX - 6);
	tc = build(clean, 2, M_SMALL);
	td = build(dirty, 2, M_SMALL);
	assert_memory_equal(tc, td, M_SMALL * sizeof(*tc));
	free(tc);
	free(td);
}

/* ---- disruption ---- */

/*
 * Remove one of n backends: its own slots must all move (ideal = its share).
 * Maglev trades a little extra movement for balance: measured, the surviving
 * backends lose about 0.3% (n = 10) to 0.65% (n = 100 and 1000) of their slots
 * at m = 65537. Bound: under 1.5% of surviving slots, so total disruption
 * stays within ideal + 1.5% of the table.
 */
static void check_remove(size_t n)
{
	const uint32_t m = M_DEFAULT;
	struct maglev_backend *b = backends(n, 1), *left = backends(n - 1, 1);
	uint32_t *t = build(b, n, m);
	double worst_moved = 0.0, worst_survivor = 0.0;
	size_t trials = n < 20 ? n : 20;

	for (size_t gone = 0; gone < trials; gone++) {
		uint32_t *t_left, own = 0, survivors = 0, survivors_moved = 0;
		double moved, ideal;

		for (size_t i = 0, j = 0; i < n; i++)
			if (i != gone)
				left[j++] = b[i];
		t_left = build(left, n - 1, m);
		moved = maglev_disruption(b, t, left, t_left, m);
		for (uint32_t s = 0; s < m; s++) {
			if (t[s] == gone) {
				own++;
				continue;
			}
			survivors++;
			survivors_moved += memcmp(b[t[s]].key, left[t_left[s]].key, 6) != 0;
		}
		ideal = (double)own / m;
		assert_true(moved >= ideal);
		assert_float_equal(moved, ideal + (double)survivors_moved / m, 1e-12);
		if (moved / ideal > worst_moved)
			worst_moved = moved / ideal;
		if ((double)survivors_moved / survivors > worst_survivor)
			worst_survivor = (double)survivors_moved / survivors;
		free(t_left);
	}
	print_message("# remove 1 of %zu (m=%u): disruption <= %.3f x ideal, survivors lose <= %.3f%%\n",
		      n, m, worst_moved, 100 * worst_survivor);
	assert_true(worst_survivor < 0.015);
	free(t);
	free(b);
	free(left);
}

/* The digest of table[] as status computes it: each slot named by its key. */
static const char *digest_of(const struct maglev_backend *b, const uint32_t *table, uint32_t m,
			     char out[MAGLEV_DIGEST_HEX_LEN])
{
	struct maglev_digest d;
	uint32_t i;

	maglev_digest_init(&d, m);
	for (i = 0; i < m; i++) {
		if (table[i] == MAGLEV_EMPTY)
			maglev_digest_slot(&d, NULL, 0);
		else
			maglev_digest_slot(&d, b[table[i]].key, b[table[i]].key_len);
	}
	return maglev_digest_hex(&d, out);
}

/*
 * Weighted tables are frozen too: nodes of different versions serve one fleet, so a
 * faster fill must give the bytes the earlier one gave. The digests below are the
 * tables sluice built before the fill's schedule moved from a heap to buckets.
 */
static void test_weighted_tables_are_frozen(void **state)
{
	static const struct {
		size_t n;
		uint32_t m;
		uint32_t wmax;		/* weights 1..wmax, or 0: one of 1,000,000, the rest 1..1000 */
		unsigned int zero_every;	/* every k-th backend draining (weight 0), or 0 */
		const char *digest;
	} cases[] = {
		{ 1000, M_DEFAULT, 1000, 0, "2bf0a44c1a6c0cff3086fea903e6f61c" },
		{ 1000, M_DEFAULT, 0, 0, "e61effe6bba5468d9aa165db95676994" },
		{ 997, M_DEFAULT, 100, 4, "aa732e08102a77cc1e94ba5316798d0e" },
		{ 100, M_SMALL, 7, 0, "1b5cfdf57f9d03684cd3eb9fc019371f" },
		{ 5000, M_DEFAULT, 1000000, 3, "071c5d78a3506548d0c9630862abd96f" },
	};
	char d[MAGLEV_DIGEST_HEX_LEN];

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct maglev_backend *b = backends(cases[c].n, 0);
		uint64_t seed = 11 + c;
		uint32_t *t;

		for (size_t i = 0; i < cases[c].n; i++) {
			uint32_t wmax = cases[c].wmax ? cases[c].wmax : 1000;

			b[i].weight = 1 + rng_next(&seed) % wmax;
			if (cases[c].zero_every && i % cases[c].zero_every == 0)
				b[i].weight = 0;
		}
		if (!cases[c].wmax)
			b[cases[c].n / 2].weight = 1000000;
		t = build(b, cases[c].n, cases[c].m);
		assert_string_equal(digest_of(b, t, cases[c].m, d), cases[c].digest);
		free(t);
		free(b);
	}
}

/*
 * Fleet nodes compare digests: the same table gives the same digest whatever order
 * the backends came in, and any difference (one slot, the size, an emptied table)
 * another. The value is frozen like the permutation, since nodes of different
 * versions compare it.
 */
static void test_digest(void **state)
{
	struct maglev_backend b[3] = {
		{ .key = "10.0.0.1", .key_len = 8, .weight = 1 },
		{ .key = "10.0.0.2", .key_len = 8, .weight = 1 },
		{ .key = "10.0.0.3", .key_len = 8, .weight = 1 },
	};
	struct maglev_backend rev[3] = { b[2], b[1], b[0] };
	uint32_t t[251], t_rev[251], t_less[251];
	char d[MAGLEV_DIGEST_HEX_LEN], d_rev[MAGLEV_DIGEST_HEX_LEN];
	char d_other[MAGLEV_DIGEST_HEX_LEN];
	uint32_t i;

	(void)state;
	assert_int_equal(maglev_build(b, 3, 251, t), 0);
	assert_int_equal(maglev_build(rev, 3, 251, t_rev), 0);
	digest_of(b, t, 251, d);
	assert_int_equal(strlen(d), 32);
	assert_string_equal(digest_of(rev, t_rev, 251, d_rev), d);
	assert_string_equal(d, "c573aadef3759f17b1cee4c865188ffb");
	/* One slot handed to another backend. */
	i = t[7];
	t[7] = (i + 1) % 3;
	assert_string_not_equal(digest_of(b, t, 251, d_other), d);
	t[7] = i;
	/* The same slots, another size fed in. */
	{
		struct maglev_digest x;

		maglev_digest_init(&x, 257);
		for (i = 0; i < 251; i++)
			maglev_digest_slot(&x, b[t[i]].key, b[t[i]].key_len);
		assert_string_not_equal(maglev_digest_hex(&x, d_other), d);
	}
	/* A backend out (down on one node): its slots go to others. */
	b[1].weight = 0;
	assert_int_equal(maglev_build(b, 3, 251, t_less), 0);
	assert_string_not_equal(digest_of(b, t_less, 251, d_other), d);
	/* Empty slots are not any backend's. */
	for (i = 0; i < 251; i++)
		t_less[i] = MAGLEV_EMPTY;
	assert_string_not_equal(digest_of(b, t_less, 251, d_other), d);
}

static void test_disruption_remove(void **state)
{
	(void)state;
	check_remove(10);
	check_remove(100);
	check_remove(1000);
}

/* Add one backend to n: it takes about 1/(n+1) of the slots, from everyone else. */
static void check_add(size_t n)
{
	const uint32_t m = M_DEFAULT;
	struct maglev_backend *b = backends(n, 1), *more = backends(n + 1, 1);
	uint32_t *t = build(b, n, m);
	double worst_extra = 0.0;

	for (uint32_t extra = 0; extra < 20; extra++) {
		uint32_t *t_more, own = 0;
		double moved, ideal;

		more[n] = backend(1000000 + extra, 1);
		t_more = build(more, n + 1, m);
		for (uint32_t s = 0; s < m; s++)
			own += t_more[s] == n;
		ideal = (double)own / m;
		assert_in_range(own, m / (n + 1), (m + n) / (n + 1));
		moved = maglev_disruption(b, t, more, t_more, m);
		assert_true(moved >= ideal);
		if ((moved - ideal) / (1 - ideal) > worst_extra)
			worst_extra = (moved - ideal) / (1 - ideal);
		free(t_more);
	}
	print_message("# add 1 to %zu (m=%u): other slots moved <= %.3f%%\n", n, m, 100 * worst_extra);
	assert_true(worst_extra < 0.015);
	free(t);
	free(b);
	free(more);
}

static void test_disruption_add(void **state)
{
	(void)state;
	check_add(10);
	check_add(100);
	check_add(1000);
}

/* ---- errors ---- */

static void check_build_einval(const struct maglev_backend *b, size_t n, uint32_t m)
{
	uint32_t *t = new_table(m ? m : 1);

	memset(t, 0xab, (m ? m : 1) * sizeof(*t));
	assert_int_equal(maglev_build(b, n, m, t), -EINVAL);
	for (uint32_t s = 0; s < (m ? m : 1); s++)
		assert_int_equal(t[s], 0xabababab);
	free(t);
}

static void test_build_rejects_non_prime(void **state)
{
	struct maglev_backend *b = backends(2, 1);

	(void)state;
	check_build_einval(b, 2, 0);
	check_build_einval(b, 2, 1);
	check_build_einval(b, 2, 9);
	check_build_einval(b, 2, 65535);
	check_build_einval(b, 2, 65536);
	free(b);
}

static void test_build_rejects_more_backends_than_slots(void **state)
{
	struct maglev_backend *b = backends(8, 1);

	(void)state;
	check_build_einval(b, 8, 7);
	/* Equal is fine: one slot each. */
	free(build(b, 7, 7));
	free(b);
}

static void test_build_rejects_duplicate_keys(void **state)
{
	struct maglev_backend b[4] = { backend(1, 1), backend(2, 1), backend(3, 1), backend(2, 5) };
	struct maglev_backend padded[2] = { backend(1, 1), backend(1, 1) };

	(void)state;
	check_build_einval(b, 4, M_SMALL);
	/* Same key, different padding: still the same backend. */
	padded[1].key[20] = 0x7f;
	check_build_einval(padded, 2, M_SMALL);
}

static void test_build_key_length(void **state)
{
	struct maglev_backend b[2] = { backend(1, 1), backend(2, 1) };
	struct maglev_backend prefix[2] = { backend(1, 1), backend(1, 1) };
	uint32_t *t, *held;

	(void)state;
	b[1].key_len = 0;
	check_build_einval(b, 2, M_SMALL);
	b[1].key_len = MAGLEV_KEY_MAX + 1;
	check_build_einval(b, 2, M_SMALL);
	b[1].key_len = MAGLEV_KEY_MAX;
	free(build(b, 2, M_SMALL));
	/* A key that is a prefix of another names a different backend. */
	prefix[1].key_len = 5;
	t = build(prefix, 2, M_SMALL);
	held = slot_counts(t, M_SMALL, 2);
	assert_int_equal(held[0] + held[1], M_SMALL);
	assert_in_range(held[0], M_SMALL / 2, M_SMALL / 2 + 1);
	free(held);
	free(t);
}

/* ---- speed, reported not asserted ---- */

static double build_ms(const struct maglev_backend *b, size_t n, uint32_t m, uint32_t *t)
{
	double best = 1e9;

	for (int run = 0; run < 10; run++) {
		struct timespec start, end;
		double ms;

		clock_gettime(CLOCK_MONOTONIC, &start);
		assert_int_equal(maglev_build(b, n, m, t), 0);
		clock_gettime(CLOCK_MONOTONIC, &end);
		ms = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
		if (ms < best)
			best = ms;
	}
	return best;
}

static void test_build_time(void **state)
{
	const size_t sizes[] = { 10, 100, 1000 };
	uint32_t *t = new_table(M_DEFAULT);
	uint64_t seed = 3;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct maglev_backend *b = backends(sizes[i], 1);

		print_message("# build m=%u n=%zu equal weights: %.3f ms (best of 10)\n",
			      M_DEFAULT, sizes[i], build_ms(b, sizes[i], M_DEFAULT, t));
		for (size_t j = 0; j < sizes[i]; j++)
			b[j].weight = 1 + rng_next(&seed) % 1000;
		print_message("# build m=%u n=%zu weights 1..1000: %.3f ms (best of 10)\n",
			      M_DEFAULT, sizes[i], build_ms(b, sizes[i], M_DEFAULT, t));
		free(b);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_prime),
		cmocka_unit_test(test_paper_table1),
		cmocka_unit_test(test_paper_table1_without_b1),
		cmocka_unit_test(test_paper_disruption),
		cmocka_unit_test(test_fill_errors),
		cmocka_unit_test(test_fill_follows_documented_rounds),
		cmocka_unit_test(test_permutation_is_frozen),
		cmocka_unit_test(test_permutation_errors),
		cmocka_unit_test(test_permutation_spreads_sequential_keys),
		cmocka_unit_test(test_build_is_fill_over_sorted_keys),
		cmocka_unit_test(test_balance_equal_weights),
		cmocka_unit_test(test_weights_1_2_3),
		cmocka_unit_test(test_weights_random),
		cmocka_unit_test(test_weights_extreme),
		cmocka_unit_test(test_weights_one_heavy_many_light),
		cmocka_unit_test(test_weights_scale_invariant),
		cmocka_unit_test(test_weight_zero_takes_no_slot),
		cmocka_unit_test(test_no_weight_gives_empty_table),
		cmocka_unit_test(test_order_does_not_matter),
		cmocka_unit_test(test_same_input_same_bytes),
		cmocka_unit_test(test_key_padding_ignored),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_weighted_tables_are_frozen),
		cmocka_unit_test(test_disruption_remove),
		cmocka_unit_test(test_disruption_add),
		cmocka_unit_test(test_build_rejects_non_prime),
		cmocka_unit_test(test_build_rejects_more_backends_than_slots),
		cmocka_unit_test(test_build_rejects_duplicate_keys),
		cmocka_unit_test(test_build_key_length),
		cmocka_unit_test(test_build_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
