// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "conf/closest.h"
#include "conf/names.h"
#include "conf/rule.h"
#include "conf/sections.h"
#include "conf/values.h"
#include "xdp/abi.h"

enum {
	FILTER_DEFAULT,
	FILTER_EXEMPT,
	FILTER_RULES,
	FILTER_NKEYS,
};

static const char *const filter_keys[FILTER_NKEYS] = {
	[FILTER_DEFAULT] = "default",
	[FILTER_EXEMPT] = "exempt",
	[FILTER_RULES] = "rules",
};

/* Indexed like enum conf_action, less one: the policy decides, so no count or rate-limit. */
static const char *const default_words[] = { "allow", "deny" };

static const char *const exempt_words[] = { "ndp", "management" };
static const unsigned int exempt_bits[] = { CONF_EXEMPT_NDP, CONF_EXEMPT_MANAGEMENT };

_Static_assert(CONF_ARRAY_LEN(exempt_words) == CONF_ARRAY_LEN(exempt_bits), "a bit per word");

static int parse_default(struct conf_doc *doc, const yaml_node_t *node, enum conf_action *out)
{
	const char *text = conf_scalar(doc, node, "default");
	unsigned int i;

	if (!text)
		return -1;
	if (strcmp(text, "count") == 0 || strcmp(text, "rate-limit") == 0)
		return conf_fail(doc, node,
				 "default '%s' is a rule action, not a policy; the default decides packets no rule decided: allow or deny",
				 text);
	if (conf_keyword(doc, node, "default", default_words, CONF_ARRAY_LEN(default_words), &i))
		return -1;
	*out = (enum conf_action)(i + 1);
	return 0;
}

static int parse_exempt_word(struct conf_doc *doc, const yaml_node_t *node,
			     const yaml_node_t **seen, unsigned int *exempt)
{
	const char *text = conf_scalar(doc, node, "exempt");
	const char *hint;
	char known[64];

	if (!text)
		return -1;
	for (size_t i = 0; i < CONF_ARRAY_LEN(exempt_words); i++) {
		if (strcmp(text, exempt_words[i]) != 0)
			continue;
		if (seen[i])
			return conf_fail(doc, node, "'exempt' lists %s twice (first at %zu:%zu)",
					 text, seen[i]->start_mark.line + 1,
					 seen[i]->start_mark.column + 1);
		seen[i] = node;
		*exempt |= exempt_bits[i];
		return 0;
	}
	hint = conf_closest(text, exempt_words, CONF_ARRAY_LEN(exempt_words));
	if (hint)
		return conf_fail(doc, node, "unknown exemption '%s'; did you mean '%s'?",
				 text, hint);
	conf_join_choices(known, sizeof(known), exempt_words, CONF_ARRAY_LEN(exempt_words));
	return conf_fail(doc, node, "unknown exemption '%s'; expected %s", text, known);
}

/*
 * What a deny default spares. Sparing nothing can lock the operator out, so it has
 * to be written out as [], never implied by a key left empty.
 */
static int parse_exempt(struct conf_doc *doc, const yaml_node_t *node, unsigned int *exempt)
{
	const yaml_node_t *seen[CONF_ARRAY_LEN(exempt_words)] = { 0 };

	if (conf_is_null(node))
		return conf_fail(doc, node,
				 "'exempt' has no value; write exempt: [] to spare nothing from a deny default, or leave it out to spare ndp and management");
	if (conf_expect_sequence(doc, node, "'exempt'"))
		return -1;
	*exempt = 0;
	for (size_t i = 0; i < conf_sequence_len(node); i++)
		if (parse_exempt_word(doc, conf_sequence_item(doc, node, i), seen, exempt))
			return -1;
	return 0;
}

struct rule_order {
	int32_t priority;
	uint32_t index;		/* in the file */
};

static int compare_order(const void *a, const void *b)
{
	const struct rule_order *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Match order: by priority, and in file order among equals (qsort alone is not stable). */
static int sort_by_priority(struct conf_doc *doc, const yaml_node_t *node,
			    struct conf_filter *f)
{
	struct rule_order *order;
	struct conf_rule *sorted;
	size_t i;

	for (i = 1; i < f->n_rules; i++)
		if (f->rules[i - 1].priority > f->rules[i].priority)
			break;
	if (i >= f->n_rules)
		return 0;
	order = calloc(f->n_rules, sizeof(*order));
	sorted = calloc(f->n_rules, sizeof(*sorted));
	if (!order || !sorted) {
		free(order);
		free(sorted);
		return conf_fail(doc, node, "out of memory for %zu rules", f->n_rules);
	}
	for (i = 0; i < f->n_rules; i++)
		order[i] = (struct rule_order){ f->rules[i].priority, (uint32_t)i };
	qsort(order, f->n_rules, sizeof(*order), compare_order);
	for (i = 0; i < f->n_rules; i++)
		sorted[i] = f->rules[order[i].index];
	free(order);
	free(f->rules);
	f->rules = sorted;
	return 0;
}

/* Rules [from, n) of out, from the list at node; rules [0, from) came from other files. */
static int parse_rule_list(struct conf_doc *doc, const yaml_node_t *node,
			   struct conf_filter *out, size_t from, size_t n)
{
	size_t counting = 0, i;
	struct conf_names names;
	int ret = 0;

	if (conf_names_init(&names, n))
		return conf_fail(doc, node, "out of memory for %zu rules", n);
	for (i = 0; i < from; i++) {
		if (out->rules[i].name[0])
			conf_names_add(&names, out->rules[i].name, out->rules[i].pos);
		counting += out->rules[i].action == CONF_ACTION_COUNT;
	}
	/* A rule's mistake does not stop the next rule from being checked. */
	for (i = from; i < n; i++) {
		const yaml_node_t *item = conf_sequence_item(doc, node, i - from);
		struct conf_rule *r = &out->rules[i];

		if (conf_parse_rule(doc, item, &names, r)) {
			ret = -1;
			continue;
		}
		if (r->name[0])
			conf_names_add(&names, r->name, r->pos);
		if (r->action == CONF_ACTION_COUNT && ++counting == SLUICE_MAX_COUNT_RULES + 1)
			ret = conf_fail(doc, item,
					"too many rules with action count: sluice holds at most %d",
					SLUICE_MAX_COUNT_RULES);
	}
	conf_names_free(&names);
	return ret;
}

static int parse_rules(struct conf_doc *doc, const yaml_node_t *node, struct conf_filter *out)
{
	size_t n, had = out->n_rules;
	struct conf_rule *more;

	if (conf_is_null(node))
		return 0;
	if (conf_expect_sequence(doc, node, "'rules'"))
		return -1;
	n = conf_sequence_len(node);
	if (had + n > SLUICE_MAX_RULES)
		return conf_fail(doc, conf_sequence_item(doc, node, SLUICE_MAX_RULES - had),
				 "too many filter rules: sluice holds at most %d",
				 SLUICE_MAX_RULES);
	if (n == 0)
		return 0;
	/* Included files add theirs to the rules read so far. */
	more = realloc(out->rules, (had + n) * sizeof(*out->rules));
	if (!more)
		return conf_fail(doc, node, "out of memory for %zu rules", had + n);
	memset(more + had, 0, n * sizeof(*more));
	out->rules = more;
	if (parse_rule_list(doc, node, out, had, had + n))
		return -1;
	out->n_rules = had + n;
	return sort_by_priority(doc, node, out);
}

int conf_parse_filter(struct conf_doc *doc, const yaml_node_t *node, struct conf_filter *out)
{
	yaml_node_t *v[FILTER_NKEYS];
	int ret = 0;

	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'filter'"))
		return -1;
	ret = conf_mapping_fields(doc, node, "in 'filter'", filter_keys, FILTER_NKEYS, v);
	if (v[FILTER_DEFAULT] && parse_default(doc, v[FILTER_DEFAULT], &out->default_action))
		ret = -1;
	if (v[FILTER_EXEMPT] && parse_exempt(doc, v[FILTER_EXEMPT], &out->exempt))
		ret = -1;
	if (v[FILTER_RULES] && parse_rules(doc, v[FILTER_RULES], out))
		ret = -1;
	return ret;
}
