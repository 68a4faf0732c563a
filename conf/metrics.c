// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include "conf/listen.h"
#include "conf/sections.h"

enum {
	METRICS_LISTEN,
	METRICS_NKEYS,
};

static const char *const metrics_keys[METRICS_NKEYS] = {
	[METRICS_LISTEN] = "listen",
};

int conf_parse_metrics(struct conf_doc *doc, const yaml_node_t *node, struct conf_metrics *out)
{
	yaml_node_t *v[METRICS_NKEYS];
	const char *text;
	char why[128];

	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'metrics'") ||
	    conf_mapping_fields(doc, node, "in 'metrics'", metrics_keys, METRICS_NKEYS, v))
		return -1;
	if (!v[METRICS_LISTEN])
		return 0;
	text = conf_scalar(doc, v[METRICS_LISTEN], "listen");
	if (!text)
		return -1;
	if (conf_listen_parse(text, &out->listen, why, sizeof(why)))
		return conf_fail(doc, v[METRICS_LISTEN], "listen '%s' %s", text, why);
	out->listen_set = true;
	return 0;
}
