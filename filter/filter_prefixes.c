// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Phase 0 for addresses: every distinct prefix of the rules becomes one entry of
 * the LPM trie. A packet's longest matching prefix stands for all the prefixes
 * that hold the packet, so an entry covers the rules of its own prefix and of
 * every enclosing one, which a walk in address order finds on a stack.
 *
 * Rules with both prefixes are kept apart in an entry's third set. For each src
 * class of that set, the same walk lists their dst prefixes as pair entries,
 * scoped by the class, so that their number grows with the rules and never with
 * the product of src and dst prefixes; a dst entry says at which lengths such
 * prefixes hold it, so that a packet probes only lengths that can hit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_build.h"

#define PREFIX_DEPTH	129	/* /0 to /128 */
#define SETS		3	/* per entry: rules without ports, with ports, with both prefixes */
/* Pair entries are walked like prefixes, under tags of their own. */
#define TAG_PAIR4	4
#define TAG_PAIR6	5

struct prefix_item {
	__u8 addr[16];		/* host bits zero */
	__u8 len;
	__u8 tag;
	uint32_t scope;		/* pair entries: the src class */
	uint32_t rule;
};

static int item_cmp(const void *a, const void *b)
{
	const struct prefix_item *x = a, *y = b;
	int c;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static bool contains(const struct prefix_item *outer, const struct prefix_item *inner)
{
	unsigned int full = outer->len / 8, rest = outer->len % 8;

	if (outer->tag != inner->tag || outer->scope != inner->scope || outer->len > inner->len ||
	    memcmp(outer->addr, inner->addr, full))
		return false;
	return !rest || !((outer->addr[full] ^ inner->addr[full]) & (0xff00 >> rest));
}

static bool same_prefix(const struct prefix_item *a, const struct prefix_item *b)
{
	return a->tag == b->tag && a->scope == b->scope && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static void add_item(struct prefix_item *it, const struct sluice_rule *r, uint32_t pos, __u8 tag,
		     uint32_t scope)
{
	bool dst = tag != SLUICE_PREFIX_SRC4;

	memcpy(it->addr, dst ? r->dst : r->src, sizeof(it->addr));
	it->len = dst ? r->dst_len : r->src_len;
	it->tag = tag + (r->family == SLUICE_AF_INET6);
	it->scope = scope;
	it->rule = pos;
}

/* Make room for one more element in a growing array of n. */
static int room_for_one(void **items, uint32_t *cap, uint32_t n, size_t size)
{
	void *grown;

	if (n < *cap)
		return 0;
	grown = realloc(*items, (size_t)(*cap ? 2 * *cap : 256) * size);
	if (!grown)
		return -ENOMEM;
	*items = grown;
	*cap = *cap ? 2 * *cap : 256;
	return 0;
}

static int push_prefix(struct filter_build *b, const struct prefix_item *it,
		       const struct sluice_addr_value *value)
{
	struct filter_prefix *p;

	if (room_for_one((void **)&b->prefixes, &b->cap_prefixes, b->n_prefixes, sizeof(*p)))
		return -ENOMEM;
	p = &b->prefixes[b->n_prefixes++];
	memset(p, 0, sizeof(*p));
	p->key.prefixlen = SLUICE_PREFIX_FIXED_BITS + it->len;
	p->key.tag = it->tag;
	memcpy(p->key.addr, it->addr, sizeof(p->key.addr));
	p->value = *value;
	return 0;
}

/*
 * Which of an entry's sets a rule joins: without ports, with ports, or (in src
 * entries) rules with both prefixes, which pair entries then take apart again.
 */
static size_t set_of(const struct sluice_rule *r, __u8 tag)
{
	switch (filter_group_of(r)) {
	case GROUP_SA:
	case GROUP_DA:
		return 0;
	case GROUP_SM:
	case GROUP_DM:
		return 1;
	case GROUP_BA:
		return tag >= TAG_PAIR4 ? 0 : 2;
	default:
		return tag >= TAG_PAIR4 ? 1 : 2;
	}
}

static int push_pair(struct filter_build *b, const struct prefix_item *it,
		     const struct sluice_addr_value *value)
{
	struct filter_pair *p;

	if (room_for_one((void **)&b->pairs, &b->cap_pairs, b->n_pairs, sizeof(*p)))
		return -ENOMEM;
	p = &b->pairs[b->n_pairs++];
	memset(p, 0, sizeof(*p));
	p->key.scope = it->scope;
	p->key.len = it->len;
	p->key.family = it->tag == TAG_PAIR6 ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	memcpy(p->key.addr, it->addr, sizeof(p->key.addr));
	p->value = *value;
	b->pair_lengths[(size_t)it->scope * SLUICE_PAIR_MASK_CELLS + it->len / 64] |=
		1ULL << (it->len % 64);
	return 0;
}

/* The row of lengths of the dst prefixes of the rules with both in set. */
static int64_t dst_lengths(struct filter_build *b, const uint64_t *set)
{
	uint64_t mask[SLUICE_PAIR_MASK_CELLS] = {0};

	for (size_t w = 0; w < b->words; w++)
		for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
			unsigned int len = b->rules[w * 64 + (size_t)__builtin_ctzll(bits)].dst_len;

			mask[len / 64] |= 1ULL << (len % 64);
		}
	return classes_intern(&b->dst_lengths, mask);
}

/* The classes of one entry's sets, as the data plane reads them. */
static int entry_value(struct filter_build *b, const struct prefix_item *it, uint64_t *sets,
		       struct sluice_addr_value *value)
{
	__u8 tag = it->tag & ~1;
	struct classes *mixed = tag == SLUICE_PREFIX_SRC4 ? &b->src_m :
				tag == SLUICE_PREFIX_DST4 ? &b->dst_m : &b->pair_m;
	size_t w = b->words;
	int64_t res, mix, pair = 0;

	if (tag == SLUICE_PREFIX_SRC4)
		pair = classes_intern(&b->src_b, sets + 2 * w);
	else if (tag == SLUICE_PREFIX_DST4)
		pair = dst_lengths(b, sets + 2 * w);
	res = classes_intern(&b->addr_results, sets);
	mix = classes_intern(mixed, sets + w);
	if (res < 0 || mix < 0 || pair < 0)
		return -ENOMEM;
	value->results = (uint32_t)res;
	value->mixed = (uint32_t)mix;
	value->pair = (uint32_t)pair;
	return 0;
}

/* One pass over sorted items; level d of the stack holds the d-th enclosing prefix's sets. */
static int walk(struct filter_build *b, const struct prefix_item *items, size_t n)
{
	const struct prefix_item *open[PREFIX_DEPTH];
	size_t w = b->words, depth = 0, i = 0;
	uint64_t *stack = calloc(PREFIX_DEPTH * SETS * w, 8);
	int err = 0;

	if (!stack)
		return -ENOMEM;
	while (i < n && !err) {
		const struct prefix_item *it = &items[i];
		struct sluice_addr_value value;
		uint64_t *sets;

		while (depth && !contains(open[depth - 1], it))
			depth--;
		sets = stack + depth * SETS * w;
		if (depth)
			memcpy(sets, sets - SETS * w, SETS * w * 8);
		else
			memset(sets, 0, SETS * w * 8);
		for (; i < n && same_prefix(&items[i], it); i++)
			bits_set(sets + set_of(&b->rules[items[i].rule], it->tag) * w,
				 items[i].rule);
		open[depth++] = it;
		err = entry_value(b, it, sets, &value) ?:
		      (it->tag >= TAG_PAIR4 ? push_pair : push_prefix)(b, it, &value);
	}
	free(stack);
	return err;
}

/* Pair entries: for each src class of rules with both prefixes, their dst prefixes. */
static int pair_items(struct filter_build *b, struct prefix_item **items, size_t *n)
{
	size_t cap = 0, count = 0;

	for (uint32_t c = 1; c < b->src_b.n; c++)
		for (size_t w = 0; w < b->words; w++)
			cap += (size_t)__builtin_popcountll(classes_set(&b->src_b, c)[w]);
	*items = calloc(cap + 1, sizeof(**items));
	b->pair_lengths = calloc((size_t)b->src_b.n * SLUICE_PAIR_MASK_CELLS, sizeof(uint64_t));
	if (!*items || !b->pair_lengths)
		return -ENOMEM;
	for (uint32_t c = 1; c < b->src_b.n; c++) {
		const uint64_t *set = classes_set(&b->src_b, c);

		for (size_t w = 0; w < b->words; w++)
			for (uint64_t bits = set[w]; bits; bits &= bits - 1) {
				uint32_t r = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));

				add_item(&(*items)[count++], &b->rules[r], r, TAG_PAIR4, c);
			}
	}
	*n = count;
	return 0;
}

int filter_prefix_classes(struct filter_build *b)
{
	struct prefix_item *items = calloc(2 * b->n_match + 1, sizeof(*items)), *pairs = NULL;
	/* Its own width: a row of lengths is wider than scratch up to 128 rules. */
	const uint64_t no_lengths[SLUICE_PAIR_MASK_CELLS] = {0};
	size_t n = 0, n_pairs = 0, i;
	int err = -ENOMEM;

	memset(b->scratch, 0, b->words * 8);
	/* Class 0 of each is the empty set: no rule of that kind names the address. */
	if (!items || classes_intern(&b->src_m, b->scratch) < 0 ||
	    classes_intern(&b->src_b, b->scratch) < 0 ||
	    classes_intern(&b->dst_m, b->scratch) < 0 ||
	    classes_intern(&b->pair_m, b->scratch) < 0 ||
	    classes_intern(&b->dst_lengths, no_lengths) < 0 ||
	    classes_intern(&b->addr_results, b->scratch) < 0)
		goto out;
	for (i = 0; i < b->n_match; i++) {
		const struct sluice_rule *r = &b->rules[i];

		if (r->flags & SLUICE_RULE_F_SRC)
			add_item(&items[n++], r, (uint32_t)i, SLUICE_PREFIX_SRC4, 0);
		if (r->flags & SLUICE_RULE_F_DST)
			add_item(&items[n++], r, (uint32_t)i, SLUICE_PREFIX_DST4, 0);
	}
	qsort(items, n, sizeof(*items), item_cmp);
	err = walk(b, items, n);
	err = err ?: pair_items(b, &pairs, &n_pairs);
	if (!err) {
		qsort(pairs, n_pairs, sizeof(*pairs), item_cmp);
		err = walk(b, pairs, n_pairs);
	}
out:
	free(items);
	free(pairs);
	return err;
}
