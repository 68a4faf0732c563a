// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The filter of a config compiled once without a kernel, so that `validate` refuses
 * the rule sets the compiler cannot build (too many kinds of packet, too much
 * memory) as `apply` would, instead of accepting a file apply then refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter_compile.h"
#include "plan/filter_check.h"
#include "plan/plan.h"

int plan_filter_check(const struct conf_filter *filter, char *err, size_t len)
{
	struct sluice_rule *rules = calloc(filter->n_rules + 1, sizeof(*rules));
	struct sluice_rule *deflt;
	struct filter_image img;
	size_t i;
	int ret;

	if (!rules) {
		snprintf(err, len, "out of memory for %zu rules", filter->n_rules);
		return -ENOMEM;
	}
	for (i = 0; i < filter->n_rules; i++) {
		plan_rule_of(&filter->rules[i], &rules[i]);
		rules[i].counter = (__u32)i;
	}
	/* The default policy closes the set, as every apply closes it. */
	deflt = &rules[i];
	deflt->sport_hi = deflt->dport_hi = 65535;
	deflt->action = filter->default_action == CONF_ACTION_DENY ? SLUICE_ACT_DENY :
								     SLUICE_ACT_ALLOW;
	deflt->counter = SLUICE_DEFAULT_RULE_COUNTER;
	ret = filter_compile(rules, filter->n_rules + 1, &img, err, len) ? -E2BIG : 0;
	if (!ret)
		filter_image_free(&img);
	free(rules);
	return ret;
}
