// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `announce:`: where `sluice run` keeps a host route per VIP that should attract
 * traffic, for a BGP daemon (BIRD, FRR) to export. sluice deletes every route of
 * its protocol number in its table as its own, so both must be numbers no other
 * program of the node uses.
 */
#include <stdint.h>

#include "conf/duration.h"
#include "conf/sections.h"
#include "conf/values.h"

enum {
	ANNOUNCE_TABLE,
	ANNOUNCE_PROTOCOL,
	ANNOUNCE_DRAIN,
	ANNOUNCE_NKEYS,
};

static const char *const announce_keys[ANNOUNCE_NKEYS] = {
	[ANNOUNCE_TABLE] = "table",
	[ANNOUNCE_PROTOCOL] = "protocol",
	[ANNOUNCE_DRAIN] = "drain",
};

/* The kernel's own tables (rtnetlink.h: RT_TABLE_DEFAULT, _MAIN, _LOCAL). */
static const char *kernel_table(uint32_t t)
{
	switch (t) {
	case 253: return "the kernel's 'default' table";
	case 254: return "the kernel's 'main' table";
	case 255: return "the kernel's 'local' table";
	default: return NULL;
	}
}

/*
 * Route protocol numbers the kernel keeps for itself (0..4), and those that
 * iproute2's rt_protos gives to other programs: their routes are not sluice's.
 */
static const char *taken_protocol(uint32_t p)
{
	switch (p) {
	case 0: case 1: case 2: case 3: case 4: return "reserved by the kernel";
	case 8: return "gated's";
	case 9: return "the kernel's for router advertisements";
	case 10: return "mrt's";
	case 11: return "zebra's (FRR)";
	case 12: return "BIRD's";
	case 13: return "dnrouted's";
	case 14: return "XORP's";
	case 15: return "ntk's";
	case 16: return "DHCP clients'";
	case 17: return "mrouted's";
	case 18: return "keepalived's";
	case 42: return "babeld's";
	case 99: return "Open/R's";
	case 186: return "FRR bgpd's";
	case 187: return "FRR isisd's";
	case 188: return "FRR ospfd's";
	case 189: return "FRR ripd's";
	case 192: return "FRR eigrpd's";
	default: return NULL;
	}
}

int conf_parse_announce(struct conf_doc *doc, const yaml_node_t *node, struct conf_announce *out)
{
	yaml_node_t *v[ANNOUNCE_NKEYS];
	const char *why;

	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'announce'") ||
	    conf_mapping_fields(doc, node, "in 'announce'", announce_keys, ANNOUNCE_NKEYS, v))
		return -1;
	if (!v[ANNOUNCE_TABLE])
		return conf_fail(doc, node, "'announce' needs 'table': the routing table "
				 "the BGP daemon exports VIPs from");
	if (!v[ANNOUNCE_PROTOCOL])
		return conf_fail(doc, node, "'announce' needs 'protocol': the route protocol "
				 "number that marks sluice's routes");
	if (conf_uint(doc, v[ANNOUNCE_TABLE], "table", 1, UINT32_MAX, &out->table))
		return -1;
	why = kernel_table(out->table);
	if (why)
		return conf_fail(doc, v[ANNOUNCE_TABLE], "table %u is %s; announced VIPs need "
				 "a table of their own", out->table, why);
	if (conf_uint(doc, v[ANNOUNCE_PROTOCOL], "protocol", 1, 255, &out->protocol))
		return -1;
	why = taken_protocol(out->protocol);
	if (why)
		return conf_fail(doc, v[ANNOUNCE_PROTOCOL], "protocol %u is %s; sluice owns "
				 "(and deletes) every route of its protocol in its table, so it "
				 "needs a number no other program uses", out->protocol, why);
	out->drain_s = CONF_ANNOUNCE_DRAIN_DEFAULT;
	if (v[ANNOUNCE_DRAIN] && conf_duration(doc, v[ANNOUNCE_DRAIN], "drain", &out->drain_s))
		return -1;
	if (out->drain_s > CONF_ANNOUNCE_DRAIN_MAX)
		return conf_fail(doc, v[ANNOUNCE_DRAIN], "drain %us is longer than %ds: the "
				 "routers have long converged by then", out->drain_s,
				 CONF_ANNOUNCE_DRAIN_MAX);
	out->set = true;
	return 0;
}
