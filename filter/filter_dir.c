// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * IPv4 prefixes as a multibit trie of strides 16, 8 and 8 in plain table cells
 * (DIR-16-8-8): a packet finds its longest src or dst prefix in at most three array
 * reads, however many prefixes there are, where the kernel's LPM trie walks a node
 * per bit that tells them apart. Prefixes are expanded into the cells they cover,
 * shortest first, so a longer prefix overwrites a shorter one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "filter/filter_build.h"

#define L1_CELLS	SLUICE_DIR_LEVEL1
#define BLOCK_CELLS	256

static int by_length(const void *a, const void *b)
{
	const struct filter_prefix *x = a, *y = b;

	return (x->key.prefixlen > y->key.prefixlen) - (x->key.prefixlen < y->key.prefixlen);
}

/* The block a cell points at, made (holding the cell's old answer) if it was a leaf. */
static int64_t block_of(struct filter_build *b, uint32_t cell)
{
	uint64_t old = b->dir[cell];

	if (old & SLUICE_DIR_POINTER)
		return (int64_t)(uint32_t)old;
	if (b->n_dir + BLOCK_CELLS > b->cap_dir) {
		uint32_t cap = b->cap_dir * 2;
		uint64_t *dir = realloc(b->dir, (size_t)cap * sizeof(*dir));

		if (!dir)
			return -ENOMEM;
		b->dir = dir;
		b->cap_dir = cap;
	}
	for (uint32_t i = 0; i < BLOCK_CELLS; i++)
		b->dir[b->n_dir + i] = old;
	b->dir[cell] = SLUICE_DIR_POINTER | b->n_dir;
	b->n_dir += BLOCK_CELLS;
	return b->n_dir - BLOCK_CELLS;
}

static void fill(struct filter_build *b, int64_t start, uint32_t n, uint64_t leaf)
{
	for (uint32_t i = 0; i < n; i++)
		b->dir[start + i] = leaf;
}

static int place(struct filter_build *b, const struct filter_prefix *p, uint64_t leaf)
{
	uint32_t len = p->key.prefixlen - SLUICE_PREFIX_FIXED_BITS, addr, l1;
	int64_t l2, l3;

	memcpy(&addr, p->key.addr, sizeof(addr));
	addr = ntohl(addr);
	l1 = (p->key.tag == SLUICE_PREFIX_DST4 ? L1_CELLS : 0) + (addr >> 16);
	if (len <= 16) {
		fill(b, l1, 1U << (16 - len), leaf);
		return 0;
	}
	l2 = block_of(b, l1);
	if (l2 < 0)
		return -ENOMEM;
	if (len <= 24) {
		fill(b, l2 + (addr >> 8 & 0xff), 1U << (24 - len), leaf);
		return 0;
	}
	l3 = block_of(b, (uint32_t)l2 + (addr >> 8 & 0xff));
	if (l3 < 0)
		return -ENOMEM;
	fill(b, l3 + (addr & 0xff), 1U << (32 - len), leaf);
	return 0;
}

int filter_dir_build(struct filter_build *b)
{
	uint32_t n4 = 0, kept = 0, i;
	struct filter_prefix *v4;

	b->cap_dir = 4 * L1_CELLS;
	b->n_dir = 2 * L1_CELLS;
	b->dir = calloc(b->cap_dir, sizeof(*b->dir));
	v4 = calloc(b->n_prefixes + 1, sizeof(*v4));
	if (!b->dir || !v4) {
		free(v4);
		return -ENOMEM;
	}
	/* The IPv4 entries move here; IPv6 and pair entries stay in the LPM trie. */
	for (i = 0; i < b->n_prefixes; i++) {
		__u8 tag = b->prefixes[i].key.tag;

		if (tag == SLUICE_PREFIX_SRC4 || tag == SLUICE_PREFIX_DST4)
			v4[n4++] = b->prefixes[i];
		else
			b->prefixes[kept++] = b->prefixes[i];
	}
	b->n_prefixes = kept;
	qsort(v4, n4, sizeof(*v4), by_length);
	for (i = 0; i < n4; i++) {
		const struct sluice_addr_value *v = &v4[i].value;

		if (v->mixed > SLUICE_FILTER_CLASS_MASK || v->pair > SLUICE_FILTER_CLASS_MASK ||
		    v->results > SLUICE_FILTER_CLASS_MASK) {
			free(v4);
			return -E2BIG;
		}
		if (place(b, &v4[i], SLUICE_DIR_LEAF(v->mixed, v->pair, v->results))) {
			free(v4);
			return -ENOMEM;
		}
	}
	free(v4);
	return 0;
}
