// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Weighted Maglev fill.
 *
 * The paper fills the table in rounds: in each round every backend, in order,
 * takes one turn, i.e. claims the next free slot of its permutation. Weighting
 * changes only how many turns a backend gets. Let wmax be the largest weight.
 * Backend i with weight w takes its k-th turn (k = 0, 1, ...) in round
 *
 *	r(i, k) = ceil(k * wmax / w)
 *
 * So a backend of the largest weight plays every round, exactly as in the paper
 * (equal weights give the paper's table), and one of weight w plays w/wmax of
 * the rounds, evenly spread. This is a credit scheme: each round a backend earns
 * w, and spends wmax per turn; it starts with wmax - w of credit so that every
 * backend with weight plays in round 0 and therefore holds at least one slot.
 *
 * Properties that follow:
 * - proportional at any scale: after r rounds backend i has had
 *   1 + floor((r - 1) * w / wmax) turns, which depends on w / wmax only, so
 *   weights (1, 2, 3) and (1000, 2000, 3000) give the same table bit for bit;
 * - each turn takes exactly one slot, so slot counts are turn counts: a backend
 *   holds fewer than share + 2 slots, where share = m * w / sum(w). With equal
 *   weights every backend holds floor(m / n) or ceil(m / n) slots;
 * - a very light backend (1 against 1,000,000) keeps its round-0 slot and
 *   nothing more, rather than silently getting no traffic at all.
 *
 * Cost. Walking every backend every round is O(rounds * n), which explodes for
 * skewed weights (1 heavy and 999 light backends need ~m rounds of 1000). So the
 * backends of the largest weight, which play every round, sit in a plain list,
 * and each lighter one waits in the bucket of the round of its next turn; each
 * round merges the list with the bucket's backends in index order, which a
 * bitmap of indices gives (set the bucket's bits, read them back in order). A
 * round past the last one the heavy backends can play is never reached, so there
 * are at most ceil(m / heavy) buckets. Turn rounds are kept as a quotient and a
 * remainder that grow by constant steps, so no turn divides. Equal weights never
 * touch the buckets; in general the cost is O(m + light turns + rounds * n / 4096)
 * plus the permutation walks.
 */
#include <errno.h>
#include <stdlib.h>

#include "lb/maglev.h"

#define NONE		UINT32_MAX	/* end of a bucket's list */
#define WORD_BITS	64

struct maglev_fill {
	const uint32_t *skip;
	const uint32_t *weight;
	uint32_t wmax;
	uint32_t m;
	uint32_t *table;
	uint32_t filled;
	uint32_t *next;		/* per backend: next slot of its permutation to try */
	uint32_t *heavy;	/* backends of weight wmax, in index order */
	size_t nheavy;
	/*
	 * Per lighter backend, after k turns: k * wmax = quot * weight + rem, so its
	 * next turn is in round quot + (rem != 0); each turn adds wmax, that is
	 * quot_step = wmax / weight and rem_step = wmax % weight.
	 */
	uint64_t *quot;
	uint32_t *rem;
	uint32_t *quot_step;
	uint32_t *rem_step;
	uint32_t *bucket;	/* per round: the first lighter backend due then, or NONE */
	uint32_t nbuckets;
	uint32_t *link;		/* per backend: the next one in its bucket */
	uint64_t *bits;		/* a bit per backend: the round's due ones */
	uint64_t *words;	/* a bit per word of bits that has one set */
	size_t nwords;
	uint32_t *due;		/* lighter backends playing the current round, by index */
};

/* (pos + skip) mod m without overflow for m up to 2^32 - 1. */
static uint32_t step(uint32_t pos, uint32_t skip, uint32_t m)
{
	return pos >= m - skip ? pos - (m - skip) : pos + skip;
}

/*
 * A permutation of a prime m visits every slot, so while the table is not
 * full the walk finds a free one.
 */
static void take_turn(struct maglev_fill *f, uint32_t b)
{
	uint32_t slot = f->next[b];

	while (f->table[slot] != MAGLEV_EMPTY)
		slot = step(slot, f->skip[b], f->m);
	f->table[slot] = b;
	f->next[b] = step(slot, f->skip[b], f->m);
	f->filled++;
}

/*
 * Puts lighter backend b in the bucket of its next turn. The heaviest backends
 * play every round and fill a slot each time, so no round from nbuckets on is
 * played: a turn that late is dropped.
 */
static void schedule(struct maglev_fill *f, uint32_t b)
{
	uint64_t round = f->quot[b] + (f->rem[b] != 0);

	if (round >= f->nbuckets)
		return;
	f->link[b] = f->bucket[round];
	f->bucket[round] = b;
}

/* One more turn taken: k * wmax grows by wmax (no overflow, both below 2^32). */
static void advance(struct maglev_fill *f, uint32_t b)
{
	uint64_t rem = (uint64_t)f->rem[b] + f->rem_step[b];

	f->quot[b] += f->quot_step[b];
	if (rem >= f->weight[b]) {
		rem -= f->weight[b];
		f->quot[b]++;
	}
	f->rem[b] = (uint32_t)rem;
}

/* The backends of a round's bucket into f->due in index order; returns how many. */
static size_t due_in_order(struct maglev_fill *f, uint64_t round)
{
	size_t ndue = 0;

	for (uint32_t b = f->bucket[round]; b != NONE; b = f->link[b]) {
		f->bits[b / WORD_BITS] |= 1ULL << (b % WORD_BITS);
		f->words[b / WORD_BITS / WORD_BITS] |= 1ULL << (b / WORD_BITS % WORD_BITS);
	}
	for (size_t s = 0; s * WORD_BITS < f->nwords; s++) {
		while (f->words[s]) {
			size_t w = s * WORD_BITS + (size_t)__builtin_ctzll(f->words[s]);

			f->words[s] &= f->words[s] - 1;
			while (f->bits[w]) {
				f->due[ndue++] = (uint32_t)(w * WORD_BITS +
							    (size_t)__builtin_ctzll(f->bits[w]));
				f->bits[w] &= f->bits[w] - 1;
			}
		}
	}
	return ndue;
}

static int fill_check(const uint32_t *offset, const uint32_t *skip, const uint32_t *weight,
		      size_t n, uint32_t m, const uint32_t *table)
{
	if (!maglev_is_prime(m) || n > m || !table)
		return -EINVAL;
	if (n && (!offset || !skip || !weight))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (offset[i] >= m || skip[i] == 0 || skip[i] >= m)
			return -EINVAL;
	return 0;
}

/* Rounds until the table is full. */
static void fill_rounds(struct maglev_fill *f)
{
	for (uint64_t round = 0;; round++) {
		size_t ndue = 0, h = 0, d = 0;

		if (f->bucket[round] != NONE)
			ndue = due_in_order(f, round);
		while (h < f->nheavy || d < ndue) {
			uint32_t b;

			if (d == ndue || (h < f->nheavy && f->heavy[h] < f->due[d]))
				b = f->heavy[h++];
			else
				b = f->due[d++];
			take_turn(f, b);
			if (f->filled == f->m)
				return;
			if (f->weight[b] != f->wmax) {
				advance(f, b);
				schedule(f, b);
			}
		}
	}
}

/* The arrays of f for n backends, in one allocation; 0 or -ENOMEM. */
static int fill_alloc(struct maglev_fill *f, size_t n)
{
	size_t nsummary;

	f->nwords = (n + WORD_BITS - 1) / WORD_BITS;
	nsummary = (f->nwords + WORD_BITS - 1) / WORD_BITS;
	/* 64-bit arrays first, so the 32-bit ones behind them stay aligned. */
	f->quot = calloc(1, (n + f->nwords + nsummary) * sizeof(uint64_t) +
			 (7 * n + f->nbuckets) * sizeof(uint32_t));
	if (!f->quot)
		return -ENOMEM;
	f->bits = f->quot + n;
	f->words = f->bits + f->nwords;
	f->next = (uint32_t *)(f->words + nsummary);
	f->heavy = f->next + n;
	f->rem = f->heavy + n;
	f->quot_step = f->rem + n;
	f->rem_step = f->quot_step + n;
	f->link = f->rem_step + n;
	f->due = f->link + n;
	f->bucket = f->due + n;
	return 0;
}

int maglev_fill(const uint32_t *offset, const uint32_t *skip, const uint32_t *weight,
		size_t n, uint32_t m, uint32_t *table)
{
	struct maglev_fill f = { .skip = skip, .weight = weight, .m = m, .table = table };
	size_t nheavy = 0;
	int err;

	err = fill_check(offset, skip, weight, n, m, table);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		if (weight[i] > f.wmax)
			f.wmax = weight[i];
	if (!f.wmax) {
		for (uint32_t s = 0; s < m; s++)
			table[s] = MAGLEV_EMPTY;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		nheavy += weight[i] == f.wmax;
	f.nbuckets = (uint32_t)((m + nheavy - 1) / nheavy);
	if (fill_alloc(&f, n))
		return -ENOMEM;

	/* Round 0 is everyone's first turn, in index order. */
	for (uint32_t r = 0; r < f.nbuckets; r++)
		f.bucket[r] = NONE;
	for (size_t i = 0; i < n; i++) {
		f.next[i] = offset[i];
		if (weight[i] == f.wmax) {
			f.heavy[f.nheavy++] = (uint32_t)i;
		} else if (weight[i]) {
			f.quot_step[i] = f.wmax / weight[i];
			f.rem_step[i] = f.wmax % weight[i];
			schedule(&f, (uint32_t)i);
		}
	}
	for (uint32_t s = 0; s < m; s++)
		table[s] = MAGLEV_EMPTY;
	fill_rounds(&f);
	free(f.quot);
	return 0;
}
