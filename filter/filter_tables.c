// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The tables of the compiled filter: the field classes, their combinations and the
 * address results laid end to end in one array (abi.h), and the sparse joins of
 * address classes with port/protocol classes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_build.h"

/* Kernel bytes per element, after the kernel's own rounding and node headers. */
#define TABLE_CELL_BYTES	8
#define TRIE_NODE_BYTES		(128 + sizeof(struct sluice_addr_value))	/* leaf, inner node */
#define MIXED_ELEM_BYTES	96	/* element header, key, value, bucket */
#define PAIR_ELEM_BYTES		128

struct tables {
	struct classes x, p, proj[3];
	uint32_t *t1;		/* misc x sport -> x */
	uint64_t *t2;		/* x x dport -> p */
	uint64_t *prow;		/* by p: result of GROUP_W, packed mixed classes */
	uint32_t cap_prow;
};

uint64_t filter_set_result(const struct filter_build *b, const uint64_t *x, const uint64_t *y)
{
	uint64_t counts = 0;

	for (size_t w = 0; w < b->words; w++) {
		uint64_t v = x[w] & y[w], deciding = v & b->deciding[w], counting = v & ~b->deciding[w];

		if (!v)
			continue;
		if (deciding)
			counting &= (deciding & -deciding) - 1;
		for (; counting; counting &= counting - 1)
			counts |= 1ULL << b->count_rank[w * 64 + (size_t)__builtin_ctzll(counting)];
		if (deciding)
			return counts << SLUICE_FILTER_POS_BITS |
			       (w * 64 + (uint64_t)__builtin_ctzll(deciding));
	}
	return counts << SLUICE_FILTER_POS_BITS | SLUICE_FILTER_POS_MASK;
}

void filter_misc_results(const struct filter_build *b, const uint64_t *set, uint64_t *results)
{
	for (uint32_t m = 0; m < b->misc.n; m++)
		results[m] = filter_set_result(b, set, classes_set(&b->misc, m));
}

static int tables_init(struct tables *t, size_t words)
{
	memset(t, 0, sizeof(*t));
	if (classes_init(&t->x, words) || classes_init(&t->p, words))
		return -ENOMEM;
	for (int g = 0; g < 3; g++)
		if (classes_init(&t->proj[g], words))
			return -ENOMEM;
	return 0;
}

static void tables_free(struct tables *t)
{
	classes_free(&t->x);
	classes_free(&t->p);
	for (int g = 0; g < 3; g++)
		classes_free(&t->proj[g]);
	free(t->t1);
	free(t->t2);
	free(t->prow);
}

/* A new p class: what its rules without addresses decide, and its mixed classes. */
static int add_prow(struct filter_build *b, struct tables *t)
{
	uint32_t p = t->p.n - 1;
	uint64_t packed = 0;

	if (2 * t->p.n > t->cap_prow) {
		uint32_t cap = t->cap_prow ? 2 * t->cap_prow : 512;
		uint64_t *prow = realloc(t->prow, cap * sizeof(*prow));

		if (!prow)
			return -ENOMEM;
		t->prow = prow;
		t->cap_prow = cap;
	}
	t->prow[2 * p] = filter_set_result(b, classes_set(&t->p, p), b->group_rules[GROUP_W]);
	for (int g = 0; g < 3; g++) {
		int64_t id;

		bits_and(b->scratch2, classes_set(&t->p, p), b->group_rules[filter_mixed_groups[g]],
			 b->words);
		id = classes_intern(&t->proj[g], b->scratch2);
		if (id < 0)
			return -ENOMEM;
		if (id > SLUICE_FILTER_CLASS_MASK)
			return -E2BIG;
		packed |= (uint64_t)id << (g * SLUICE_FILTER_CLASS_BITS);
	}
	t->prow[2 * p + 1] = packed;
	return 0;
}

static int combine_ports(struct filter_build *b, struct tables *t)
{
	uint32_t n_m = b->misc.n, n_s = b->sport.n, n_d = b->dport.n;
	int64_t id;

	/* Class 0 of every projection is the empty set: the data plane skips it. */
	memset(b->scratch, 0, b->words * 8);
	for (int g = 0; g < 3; g++)
		if (classes_intern(&t->proj[g], b->scratch) < 0)
			return -ENOMEM;
	if ((uint64_t)n_m * n_s * TABLE_CELL_BYTES > FILTER_MEMORY_LIMIT)
		return -E2BIG;
	t->t1 = malloc((size_t)n_m * n_s * sizeof(*t->t1));
	if (!t->t1)
		return -ENOMEM;
	for (uint32_t m = 0; m < n_m; m++)
		for (uint32_t s = 0; s < n_s; s++) {
			bits_and(b->scratch, classes_set(&b->misc, m), classes_set(&b->sport, s),
				 b->words);
			id = classes_intern(&t->x, b->scratch);
			if (id < 0)
				return -ENOMEM;
			t->t1[(size_t)m * n_s + s] = (uint32_t)id;
		}
	if ((uint64_t)t->x.n * n_d * TABLE_CELL_BYTES > FILTER_MEMORY_LIMIT)
		return -E2BIG;
	t->t2 = malloc((size_t)t->x.n * n_d * sizeof(*t->t2));
	if (!t->t2)
		return -ENOMEM;
	for (uint32_t x = 0; x < t->x.n; x++)
		for (uint32_t d = 0; d < n_d; d++) {
			uint32_t before = t->p.n;
			int err;

			bits_and(b->scratch, classes_set(&t->x, x), classes_set(&b->dport, d),
				 b->words);
			id = classes_intern(&t->p, b->scratch);
			if (id < 0)
				return -ENOMEM;
			if (t->p.n != before && (err = add_prow(b, t)))
				return err;
			t->t2[(size_t)x * n_d + d] = (uint64_t)id;
		}
	return 0;
}

/* Rules with addresses and ports: the joins of one group's address and p classes. */
static int join_mixed(struct filter_build *b, const struct classes *rows,
		      const struct classes *cols, __u32 group, struct filter_image *out,
		      uint64_t limit)
{
	struct filter_mixed *mixed;
	uint64_t *keys;
	size_t n, i;
	int err;

	err = filter_joins(b, rows, cols, limit, &keys, &n);
	if (err)
		return err;
	mixed = realloc(out->mixed, (out->n_mixed + n + 1) * sizeof(*mixed));
	if (!mixed) {
		free(keys);
		return -ENOMEM;
	}
	out->mixed = mixed;
	for (i = 0; i < n; i++) {
		struct filter_mixed *m = &mixed[out->n_mixed++];
		uint32_t row = (uint32_t)(keys[i] >> 32), col = (uint32_t)keys[i];

		m->key.row = group | row;
		m->key.col = col;
		m->result = filter_set_result(b, classes_set(rows, row), classes_set(cols, col));
	}
	free(keys);
	return 0;
}

static void fill_actions(const struct filter_build *b, struct filter_image *out)
{
	uint64_t *act = out->table + out->header.act_off;
	uint64_t *count = out->table + out->header.count_off;

	for (size_t i = 0; i <= b->n_match; i++) {
		const struct sluice_rule *r = &b->rules[i];

		act[i] = r->counter | (uint64_t)r->action << 16 | (uint64_t)b->count_rank[i] << 24;
		if (r->action == SLUICE_ACT_COUNT && i < b->n_match)
			count[b->count_rank[i]] = r->counter;
	}
}

/*
 * A t2 row whose result comes before every rule naming an address is final: a
 * packet never reads its packed classes, so the row holds the deciding rule's
 * action word there instead, read with the result rather than after it.
 */
static void settle_port_rows(struct filter_image *out, uint64_t t2)
{
	const struct sluice_filter_header *h = &out->header;
	uint64_t *row = out->table + h->t2_off;

	for (uint64_t i = 0; i < t2; i++, row += 2)
		if ((row[0] & SLUICE_FILTER_POS_MASK) < h->first_addr_pos)
			row[1] = out->table[h->act_off + filter_result_position(h, row[0])];
}

/* The first position of a rule in any of the groups [from, to]; UINT32_MAX if none. */
static uint32_t first_in_groups(const struct filter_build *b, enum filter_group from,
				enum filter_group to)
{
	for (size_t w = 0; w < b->words; w++) {
		uint64_t any = 0;

		for (enum filter_group g = from; g <= to; g++)
			any |= b->group_rules[g][w];
		if (any)
			return (uint32_t)(w * 64 + (size_t)__builtin_ctzll(any));
	}
	return UINT32_MAX;
}

/*
 * The multibit trie was built as level 1 (src, dst) then its blocks: level 1 goes to
 * the fixed cells, the blocks to the table, pointers made relative to the blocks.
 */
static void fill_dir(const struct filter_build *b, struct filter_image *out)
{
	const uint32_t level1 = 2 * SLUICE_DIR_LEVEL1;

	for (uint32_t i = 0; i < b->n_dir; i++) {
		uint64_t cell = b->dir[i];

		if (cell & SLUICE_DIR_POINTER)
			cell -= level1;
		if (i < level1)
			out->fixed[SLUICE_FIXED_DIR + i] = cell;
		else
			out->table[out->header.dir_off + i - level1] = cell;
	}
}

/*
 * Into the fixed value, which spares packets a lookup per cell: the whole table when
 * it fits, else every region before the trie's blocks when they do.
 */
static void copy_hot(struct filter_image *out, uint64_t table_len)
{
	struct sluice_filter_header *h = &out->header;

	if (table_len <= SLUICE_FIXED_HOT_CELLS)
		h->flags |= SLUICE_FILTER_HOT_FIXED | SLUICE_FILTER_ALL_FIXED;
	else if (h->dir_off <= SLUICE_FIXED_HOT_CELLS)
		h->flags |= SLUICE_FILTER_HOT_FIXED;
	else
		return;
	memcpy(out->fixed + SLUICE_FIXED_HOT, out->table,
	       (h->flags & SLUICE_FILTER_ALL_FIXED ? table_len : h->dir_off) * sizeof(*out->table));
}

/* Lay the regions out; fails when the whole would pass the memory limit. */
static int lay_out(struct filter_build *b, struct tables *t, struct filter_image *out)
{
	struct sluice_filter_header *h = &out->header;
	uint64_t off = 0, t1 = (uint64_t)b->misc.n * b->sport.n, t2 = (uint64_t)t->x.n * b->dport.n;

	h->n_misc = b->misc.n;
	h->n_sport = b->sport.n;
	h->n_dport = b->dport.n;
	h->t1_off = 0;
	h->t2_off = (uint32_t)(off += t1);
	h->ares_off = (uint32_t)(off += 2 * t2);
	h->pmask_off = (uint32_t)(off += (uint64_t)b->addr_results.n * b->misc.n);
	h->dmask_off = (uint32_t)(off += (uint64_t)b->src_b.n * SLUICE_PAIR_MASK_CELLS);
	h->act_off = (uint32_t)(off += (uint64_t)b->dst_lengths.n * SLUICE_PAIR_MASK_CELLS);
	h->count_off = (uint32_t)(off += b->n_match + 1);
	h->dir_off = (uint32_t)(off += SLUICE_MAX_COUNT_RULES);
	off += b->n_dir - 2 * SLUICE_DIR_LEVEL1;
	out->memory = (off + SLUICE_FIXED_CELLS) * TABLE_CELL_BYTES + (uint64_t)b->n_prefixes * TRIE_NODE_BYTES +
		      (uint64_t)out->n_mixed * MIXED_ELEM_BYTES + (uint64_t)b->n_pairs * PAIR_ELEM_BYTES;
	if (out->memory > FILTER_MEMORY_LIMIT)
		return filter_fail(b, "the compiled filter would need %llu MiB of kernel memory "
				   "(limit %llu MiB): %u prefixes, %u src/dst pairs, %u joins of "
				   "addresses with ports, %llu table cells",
				   (unsigned long long)(out->memory >> 20),
				   FILTER_MEMORY_LIMIT >> 20, b->n_prefixes, b->n_pairs,
				   out->n_mixed, (unsigned long long)off);
	out->table_len = (uint32_t)off;
	h->n_rules = (uint32_t)b->n_match + 1;
	h->first_addr_pos = first_in_groups(b, GROUP_SA, GROUP_BM);
	h->first_dst_pos = first_in_groups(b, GROUP_DA, GROUP_DM);
	h->ready = 1;
	out->table = calloc(off, sizeof(*out->table));
	out->fixed = calloc(SLUICE_FIXED_CELLS, sizeof(*out->fixed));
	if (!out->table || !out->fixed)
		return filter_fail(b, "out of memory for %llu table cells", (unsigned long long)off);
	/* With one sport class, t1 is a function of misc: its t2 row goes with misc. */
	for (uint32_t i = 0; i < SLUICE_FILTER_MISC; i++)
		out->fixed[SLUICE_FIXED_MISC + i] = b->misc_of[i] | (b->sport.n == 1 ?
			(uint64_t)(h->t2_off + 2 * t->t1[b->misc_of[i]] * b->dport.n) << 32 : 0);
	for (uint32_t i = 0; i < SLUICE_FILTER_PORTS; i++) {
		out->fixed[SLUICE_FIXED_SPORT + i] = b->sport_of[i];
		out->fixed[SLUICE_FIXED_DPORT + i] = b->dport_of[i];
	}
	for (uint64_t i = 0; i < t1; i++)
		out->table[h->t1_off + i] = t->t1[i];
	/* Each t2 cell pair holds its p class's row, so a packet reads it without p. */
	for (uint64_t i = 0; i < t2; i++) {
		out->table[h->t2_off + 2 * i] = t->prow[2 * t->t2[i]];
		out->table[h->t2_off + 2 * i + 1] = t->prow[2 * t->t2[i] + 1];
	}
	for (uint32_t r = 0; r < b->addr_results.n; r++)
		filter_misc_results(b, classes_set(&b->addr_results, r),
				    out->table + h->ares_off + (uint64_t)r * b->misc.n);
	fill_dir(b, out);
	if (b->pair_lengths)
		memcpy(out->table + h->pmask_off, b->pair_lengths,
		       (size_t)b->src_b.n * SLUICE_PAIR_MASK_CELLS * sizeof(uint64_t));
	memcpy(out->table + h->dmask_off, b->dst_lengths.sets,
	       (size_t)b->dst_lengths.n * SLUICE_PAIR_MASK_CELLS * sizeof(uint64_t));
	fill_actions(b, out);
	settle_port_rows(out, t2);
	copy_hot(out, off);
	return 0;
}

int filter_tables(struct filter_build *b, struct filter_image *out)
{
	uint64_t limit = FILTER_MEMORY_LIMIT / MIXED_ELEM_BYTES;
	struct tables t;
	int err;

	err = tables_init(&t, b->words);
	err = err ?: combine_ports(b, &t);
	err = err ?: join_mixed(b, &b->src_m, &t.proj[0], SLUICE_MIXED_SRC, out, limit);
	err = err ?: join_mixed(b, &b->dst_m, &t.proj[1], SLUICE_MIXED_DST, out, limit);
	err = err ?: join_mixed(b, &b->pair_m, &t.proj[2], SLUICE_MIXED_BOTH, out, limit);
	if (err == -E2BIG)
		filter_fail(b, "the rule set is too varied to compile within %llu MiB: its "
			    "port and protocol combinations, or the addresses its rules with "
			    "ports name, multiply past the limit", FILTER_MEMORY_LIMIT >> 20);
	else if (err)
		filter_fail(b, "out of memory while compiling the filter");
	else
		err = lay_out(b, &t, out);
	tables_free(&t);
	return err ? -1 : 0;
}
