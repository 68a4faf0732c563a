// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The filter compiler's driver: field classes (phase 0: protocol word, ports,
 * prefixes), then the tables that join them (filter_tables.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_build.h"

static int build_init(struct filter_build *b, const struct sluice_rule *rules, size_t n)
{
	size_t w = (n + 63) / 64 ? (n + 63) / 64 : 1;
	uint8_t rank = 0;

	b->rules = rules;
	b->n_match = n - 1;
	b->words = w;
	for (int g = 0; g < GROUP_COUNT; g++)
		b->group_rules[g] = calloc(w, 8);
	b->deciding = calloc(w, 8);
	b->scratch = calloc(w, 8);
	b->scratch2 = calloc(w, 8);
	b->count_rank = calloc(n, 1);
	b->sport_of = calloc(SLUICE_FILTER_PORTS, sizeof(uint32_t));
	b->dport_of = calloc(SLUICE_FILTER_PORTS, sizeof(uint32_t));
	for (int g = 0; g < GROUP_COUNT; g++)
		if (!b->group_rules[g])
			return -ENOMEM;
	if (!b->deciding || !b->scratch || !b->scratch2 || !b->count_rank || !b->sport_of ||
	    !b->dport_of || classes_init(&b->misc, w) || classes_init(&b->sport, w) ||
	    classes_init(&b->dport, w) || classes_init(&b->src_m, w) ||
	    classes_init(&b->dst_m, w) || classes_init(&b->pair_m, w) ||
	    classes_init(&b->src_b, w) || classes_init(&b->addr_results, w) ||
	    classes_init(&b->dst_lengths, SLUICE_PAIR_MASK_CELLS))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		b->count_rank[i] = rank;
		if (i == n - 1)
			break;
		bits_set(b->group_rules[filter_group_of(&rules[i])], (uint32_t)i);
		if (rules[i].action == SLUICE_ACT_COUNT)
			rank++;
		else
			bits_set(b->deciding, (uint32_t)i);
	}
	return 0;
}

static void build_free(struct filter_build *b)
{
	for (int g = 0; g < GROUP_COUNT; g++)
		free(b->group_rules[g]);
	free(b->deciding);
	free(b->scratch);
	free(b->scratch2);
	free(b->count_rank);
	free(b->sport_of);
	free(b->dport_of);
	free(b->prefixes);
	free(b->dir);
	classes_free(&b->misc);
	classes_free(&b->sport);
	classes_free(&b->dport);
	classes_free(&b->src_m);
	classes_free(&b->dst_m);
	classes_free(&b->pair_m);
	classes_free(&b->src_b);
	classes_free(&b->dst_lengths);
	free(b->pairs);
	free(b->pair_lengths);
	classes_free(&b->addr_results);
}

static int check_rules(struct filter_build *b, const struct sluice_rule *rules, size_t n)
{
	size_t counts = 0;

	if (n < 1 || n > SLUICE_FILTER_POS_MASK)
		return filter_fail(b, "a rule set holds 1 to %llu rules, not %zu",
				   SLUICE_FILTER_POS_MASK, n);
	for (size_t i = 0; i + 1 < n; i++)
		counts += rules[i].action == SLUICE_ACT_COUNT;
	if (counts > SLUICE_MAX_COUNT_RULES)
		return filter_fail(b, "%zu count rules; the filter counts at most %d", counts,
				   SLUICE_MAX_COUNT_RULES);
	if (rules[n - 1].action != SLUICE_ACT_ALLOW && rules[n - 1].action != SLUICE_ACT_DENY)
		return filter_fail(b, "the default must allow or deny");
	return 0;
}

int filter_compile(const struct sluice_rule *rules, size_t n, struct filter_image *out,
		   char *err, size_t err_len)
{
	struct filter_build b = { .err = err, .err_len = err_len };
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (check_rules(&b, rules, n))
		return -1;
	if (build_init(&b, rules, n) || filter_misc_classes(&b) ||
	    filter_port_classes(&b, true) || filter_port_classes(&b, false) ||
	    filter_prefix_classes(&b)) {
		filter_fail(&b, "out of memory while compiling %zu rules", n);
		goto out;
	}
	switch (filter_dir_build(&b)) {
	case 0:
		break;
	case -E2BIG:
		filter_fail(&b, "the rules tell more than %u sets of addresses apart",
			    SLUICE_FILTER_CLASS_MASK);
		goto out;
	default:
		filter_fail(&b, "out of memory while compiling %zu rules", n);
		goto out;
	}
	if (b.misc.n > SLUICE_FILTER_MISC_MAX) {
		filter_fail(&b, "the rules combine protocols, TCP flags and ICMP types in %u "
			    "ways; the filter tells at most %d apart", b.misc.n,
			    SLUICE_FILTER_MISC_MAX);
		goto out;
	}
	ret = filter_tables(&b, out);
	if (!ret) {
		out->prefixes = b.prefixes;
		out->n_prefixes = b.n_prefixes;
		b.prefixes = NULL;
		out->pairs = b.pairs;
		out->n_pairs = b.n_pairs;
		b.pairs = NULL;
	}
out:
	build_free(&b);
	if (ret)
		filter_image_free(out);
	return ret;
}

void filter_image_free(struct filter_image *img)
{
	free(img->fixed);
	free(img->table);
	free(img->prefixes);
	free(img->mixed);
	free(img->pairs);
	memset(img, 0, sizeof(*img));
}
