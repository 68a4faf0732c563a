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
 * and the lighter ones wait in a min-heap keyed by (next round, index); each
 * round merges the list with the heap's entries due that round, in index
 * order. Equal weights never touch the heap; in general the cost is
 * O(m + light turns * log n) plus the permutation walks.
 */
#include <errno.h>
#include <stdlib.h>

#include "lb/maglev.h"

struct maglev_fill {
	const uint32_t *skip;
	const uint32_t *weight;
	uint32_t wmax;
	uint32_t m;
	uint32_t *table;
	uint32_t filled;
	uint32_t *next;		/* per backend: next slot of its permutation to try */
	uint32_t *taken;	/* per backend: turns taken so far */
	uint32_t *heavy;	/* backends of weight wmax, in index order */
	size_t nheavy;
	uint64_t *heap;		/* lighter backends' next turns, see turn_key() */
	size_t nlight;
	uint32_t *due;		/* lighter backends playing the current round */
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
	f->taken[b]++;
	f->filled++;
}

/*
 * Heap key: round in the high half, index in the low half, so one integer
 * comparison orders turns. The heaviest backend plays every round and fills a
 * slot each time, so the table is full by round m - 1 < UINT32_MAX: clamping a
 * later round to UINT32_MAX keeps it out of reach without changing any order
 * that matters.
 */
static uint64_t turn_key(uint32_t taken, uint32_t wmax, uint32_t w, uint32_t b)
{
	/* ceil(k * wmax / w): k < 2^32 and wmax < 2^32, so the product fits. */
	uint64_t credit = (uint64_t)taken * wmax;
	uint64_t round = credit / w + (credit % w != 0);

	if (round > UINT32_MAX)
		round = UINT32_MAX;
	return round << 32 | b;
}

static void heap_push(uint64_t *heap, size_t *len, uint64_t key)
{
	size_t at = (*len)++;

	while (at && heap[(at - 1) / 2] > key) {
		heap[at] = heap[(at - 1) / 2];
		at = (at - 1) / 2;
	}
	heap[at] = key;
}

static uint64_t heap_pop(uint64_t *heap, size_t *len)
{
	uint64_t top = heap[0];
	uint64_t last = heap[--(*len)];
	size_t at = 0;

	for (;;) {
		size_t child = 2 * at + 1;

		if (child >= *len)
			break;
		if (child + 1 < *len && heap[child + 1] < heap[child])
			child++;
		if (heap[child] >= last)
			break;
		heap[at] = heap[child];
		at = child;
	}
	heap[at] = last;
	return top;
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

		while (f->nlight && f->heap[0] >> 32 == round)
			f->due[ndue++] = (uint32_t)heap_pop(f->heap, &f->nlight);
		while (h < f->nheavy || d < ndue) {
			uint32_t b;

			if (d == ndue || (h < f->nheavy && f->heavy[h] < f->due[d]))
				b = f->heavy[h++];
			else
				b = f->due[d++];
			take_turn(f, b);
			if (f->filled == f->m)
				return;
			if (f->weight[b] != f->wmax)
				heap_push(f->heap, &f->nlight,
					  turn_key(f->taken[b], f->wmax, f->weight[b], b));
		}
	}
}

int maglev_fill(const uint32_t *offset, const uint32_t *skip, const uint32_t *weight,
		size_t n, uint32_t m, uint32_t *table)
{
	struct maglev_fill f = { .skip = skip, .weight = weight, .m = m, .table = table };
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

	/* 64-bit heap first, so the 32-bit arrays behind it stay aligned. */
	f.heap = malloc(n * (sizeof(*f.heap) + 4 * sizeof(uint32_t)));
	if (!f.heap)
		return -ENOMEM;
	f.next = (uint32_t *)(f.heap + n);
	f.taken = f.next + n;
	f.heavy = f.taken + n;
	f.due = f.heavy + n;

	/* Round 0 is everyone's first turn, in index order. */
	for (size_t i = 0; i < n; i++) {
		f.next[i] = offset[i];
		f.taken[i] = 0;
		if (weight[i] == f.wmax)
			f.heavy[f.nheavy++] = i;
		else if (weight[i])
			heap_push(f.heap, &f.nlight, turn_key(0, f.wmax, weight[i], i));
	}
	for (uint32_t s = 0; s < m; s++)
		table[s] = MAGLEV_EMPTY;
	fill_rounds(&f);
	free(f.heap);
	return 0;
}
