/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Internal to the filter compiler: the state its phases share. */
#ifndef SLUICE_FILTER_FILTER_BUILD_H
#define SLUICE_FILTER_FILTER_BUILD_H

#include <stdbool.h>
#include <stdio.h>

#include "filter/classes.h"
#include "filter/filter_compile.h"

/*
 * Rules are split by what they look at, so that no two large dimensions (many
 * prefixes, many port classes) are ever multiplied into a dense table.
 */
enum filter_group {
	GROUP_W,	/* no prefix: ports and protocol only */
	GROUP_SA,	/* a src prefix, maybe a protocol, no ports */
	GROUP_SM,	/* a src prefix and ports */
	GROUP_DA,	/* a dst prefix, maybe a protocol, no ports */
	GROUP_DM,
	GROUP_BA,	/* both prefixes, no ports */
	GROUP_BM,
	GROUP_COUNT,
};

/* The mixed groups, in the order of their p classes in a packed word. */
static const enum filter_group filter_mixed_groups[3] = { GROUP_SM, GROUP_DM, GROUP_BM };

struct filter_build {
	const struct sluice_rule *rules;
	size_t n_match;			/* rules in the classes: all but the default */
	size_t words;
	uint64_t *group_rules[GROUP_COUNT];
	uint64_t *deciding;		/* rules that are not `count` */
	uint8_t *count_rank;		/* by position: count rules before it */
	uint64_t *scratch, *scratch2;	/* words each */

	/* Field classes, and which class each field value falls in. */
	struct classes misc, sport, dport;
	uint32_t misc_of[SLUICE_FILTER_MISC];
	uint32_t *sport_of, *dport_of;		/* SLUICE_FILTER_PORTS each */
	/*
	 * Address classes: of the rules with ports (by src, by dst, by pair entry),
	 * of the rules with both prefixes by src, and the sets of rules without
	 * ports whose results the table keeps.
	 */
	struct classes src_m, dst_m, pair_m, src_b, addr_results;
	struct filter_pair *pairs;		/* pair entries (rules with both prefixes) */
	uint32_t n_pairs, cap_pairs;
	uint64_t *pair_lengths;			/* by src class: lengths its entries have */
	struct classes dst_lengths;		/* rows of table[dmask_off] */
	struct filter_prefix *prefixes;
	uint32_t n_prefixes, cap_prefixes;
	uint64_t *dir;				/* the IPv4 multibit trie (filter_dir.c) */
	uint32_t n_dir, cap_dir;

	char *err;
	size_t err_len;
};

/* Rules with a prefix and ports are joined with port classes; the rest are settled by misc. */
static inline bool filter_rule_is_mixed(const struct sluice_rule *r)
{
	return r->sport_lo || r->sport_hi != UINT16_MAX || r->dport_lo || r->dport_hi != UINT16_MAX;
}

static inline enum filter_group filter_group_of(const struct sluice_rule *r)
{
	bool src = r->flags & SLUICE_RULE_F_SRC, dst = r->flags & SLUICE_RULE_F_DST;
	int mixed = filter_rule_is_mixed(r);

	if (src && dst)
		return GROUP_BA + mixed;
	if (dst)
		return GROUP_DA + mixed;
	return src ? GROUP_SA + mixed : GROUP_W;
}

/* The position a result decides: its rule's, or the default's when no rule matched. */
static inline uint32_t filter_result_position(const struct sluice_filter_header *h, uint64_t res)
{
	uint32_t pos = (uint32_t)(res & SLUICE_FILTER_POS_MASK);

	return pos < h->n_rules ? pos : h->n_rules - 1;
}

/* The first deciding rule of x & y, with the count rules before it. */
uint64_t filter_set_result(const struct filter_build *b, const uint64_t *x, const uint64_t *y);

/* results[m] for each misc class m: the first rule of `set` for that protocol word. */
void filter_misc_results(const struct filter_build *b, const uint64_t *set, uint64_t *results);

/*
 * Every (row, col) of two class tables whose sets share a rule, as row << 32 | col
 * in *keys (malloc'ed). -E2BIG past limit keys, -ENOMEM.
 */
int filter_joins(const struct filter_build *b, const struct classes *rows,
		 const struct classes *cols, uint64_t limit, uint64_t **keys, size_t *n_keys);

/* Writes the message into b->err; returns -1 (filter_build.c). */
int filter_fail(struct filter_build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Phase 0, one per field: fill the classes and the *_of arrays above. */
int filter_misc_classes(struct filter_build *b);
int filter_port_classes(struct filter_build *b, bool source);
int filter_prefix_classes(struct filter_build *b);

/* Move the IPv4 src and dst entries out of b->prefixes into the multibit trie. */
int filter_dir_build(struct filter_build *b);

/* Then the combination and group tables; fills everything in out but the prefixes. */
int filter_tables(struct filter_build *b, struct filter_image *out);

/* The misc index (abi.h) of a family, protocol and detail. */
uint32_t filter_misc_index(__u8 family, __u8 proto, __u16 detail);

#endif /* SLUICE_FILTER_FILTER_BUILD_H */
