/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The token bucket of a rate-limit rule: its rate, burst and scope. */
#ifndef SLUICE_CONF_RATE_H
#define SLUICE_CONF_RATE_H

#include "conf/doc.h"

/*
 * rate ("N/s", "N/min" or "N/h"), burst (default: one second's worth of the rate,
 * rounded up) and per (rule or source) of a rule whose action is rate-limit. rate
 * is required: when it is missing the mistake is reported at rule.
 */
int conf_rate_limit(struct conf_doc *doc, const yaml_node_t *rule, const char *rule_name,
		    const yaml_node_t *rate, const yaml_node_t *burst, const yaml_node_t *per,
		    struct conf_rate_limit *out);

#endif /* SLUICE_CONF_RATE_H */
