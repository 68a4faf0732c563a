// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include "conf/duration.h"
#include "conf/sections.h"
#include "conf/values.h"
#include "xdp/abi.h"

/* A billion new flows a second is past any NIC: larger is a typo, not a setting. */
#define GUARD_MAX	1000000000

enum {
	FLOWS_SIZE,
	FLOWS_UDP_IDLE,
	FLOWS_GUARD,
	FLOWS_NKEYS,
};

static const char *const flows_keys[FLOWS_NKEYS] = {
	[FLOWS_SIZE] = "size",
	[FLOWS_UDP_IDLE] = "udp_idle_timeout",
	[FLOWS_GUARD] = "new_flow_guard",
};

int conf_parse_flows(struct conf_doc *doc, const yaml_node_t *node, struct conf_flows *out)
{
	yaml_node_t *v[FLOWS_NKEYS];

	out->size = SLUICE_FLOW_ENTRIES;
	out->udp_idle_timeout_s = CONF_FLOWS_UDP_IDLE_DEFAULT;
	out->new_flow_guard = CONF_FLOWS_GUARD_DEFAULT;
	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'flows'") ||
	    conf_mapping_fields(doc, node, "in 'flows'", flows_keys, FLOWS_NKEYS, v))
		return -1;
	if (v[FLOWS_SIZE] && conf_uint(doc, v[FLOWS_SIZE], "size", SLUICE_FLOW_ENTRIES_MIN,
				       SLUICE_FLOW_ENTRIES_MAX, &out->size))
		return -1;
	if (v[FLOWS_SIZE])
		out->size_pos = conf_node_pos(v[FLOWS_SIZE]);
	if (v[FLOWS_UDP_IDLE] &&
	    conf_duration(doc, v[FLOWS_UDP_IDLE], "udp_idle_timeout", &out->udp_idle_timeout_s))
		return -1;
	if (v[FLOWS_GUARD] && conf_uint(doc, v[FLOWS_GUARD], "new_flow_guard", 0, GUARD_MAX,
					&out->new_flow_guard))
		return -1;
	return 0;
}
