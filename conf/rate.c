// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "conf/closest.h"
#include "conf/rate.h"
#include "conf/values.h"

#define RATE_PACKETS_MAX	1000000000
#define BURST_MAX		1000000

static const char *const unit_words[] = { "s", "min", "h" };
static const uint32_t unit_seconds[] = { 1, 60, 3600 };

/* Indexed like enum conf_limit_scope. */
static const char *const per_words[] = { "rule", "source" };

static int parse_rate(struct conf_doc *doc, const yaml_node_t *node,
		      struct conf_rate_limit *out)
{
	const char *text = conf_scalar(doc, node, "rate");
	const char *slash, *unit, *hint;
	char units[32];
	uint64_t packets;

	if (!text)
		return -1;
	slash = strchr(text, '/');
	if (!slash && conf_decimal(text, strlen(text), &packets))
		return conf_fail(doc, node, "rate '%s' has no unit; write %s/s, %s/min or %s/h",
				 text, text, text, text);
	if (!slash)
		return conf_fail(doc, node,
				 "rate '%s' is not a rate; write packets per second, minute or hour, e.g. 100/s",
				 text);
	if (!conf_decimal(text, (size_t)(slash - text), &packets))
		return conf_fail(doc, node,
				 "rate '%s': '%.*s' is not a whole number of packets; expected 1..%d",
				 text, (int)(slash - text), text, RATE_PACKETS_MAX);
	unit = slash + 1;
	for (size_t i = 0; i < CONF_ARRAY_LEN(unit_words); i++) {
		if (strcmp(unit, unit_words[i]) == 0) {
			if (packets < 1 || packets > RATE_PACKETS_MAX)
				return conf_fail(doc, node,
						 "rate %s is out of range: 1..%d packets per %s",
						 text, RATE_PACKETS_MAX, unit);
			out->packets = (uint32_t)packets;
			out->per_seconds = unit_seconds[i];
			return 0;
		}
	}
	hint = conf_closest(unit, unit_words, CONF_ARRAY_LEN(unit_words));
	if (hint)
		return conf_fail(doc, node, "rate '%s': unknown unit '%s'; did you mean '%s'?",
				 text, unit, hint);
	conf_join_choices(units, sizeof(units), unit_words, CONF_ARRAY_LEN(unit_words));
	return conf_fail(doc, node, "rate '%s': unknown unit '%s'; expected %s",
			 text, unit, units);
}

int conf_rate_limit(struct conf_doc *doc, const yaml_node_t *rule, const char *rule_name,
		    const yaml_node_t *rate, const yaml_node_t *burst, const yaml_node_t *per,
		    struct conf_rate_limit *out)
{
	unsigned int scope = CONF_LIMIT_RULE;

	if (!rate)
		return conf_fail(doc, rule,
				 "filter rule%s%s%s has action rate-limit but no 'rate' (e.g. rate: 100/s)",
				 rule_name[0] ? " '" : "", rule_name, rule_name[0] ? "'" : "");
	if (parse_rate(doc, rate, out))
		return -1;
	/*
	 * One second's worth (at least a packet): traffic that keeps to the rate over a
	 * second passes even when it arrives in clumps within that second.
	 */
	out->burst = (out->packets + out->per_seconds - 1) / out->per_seconds;
	if (burst && conf_uint(doc, burst, "burst", 1, BURST_MAX, &out->burst))
		return -1;
	if (per && conf_keyword(doc, per, "per", per_words, CONF_ARRAY_LEN(per_words), &scope))
		return -1;
	out->scope = (enum conf_limit_scope)scope;
	return 0;
}
