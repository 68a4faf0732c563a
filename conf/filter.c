// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"
#include "conf/sections.h"
#include "conf/values.h"
#include "xdp/abi.h"

enum {
	FILTER_DEFAULT,
	FILTER_RULES,
	FILTER_NKEYS,
};

static const char *const filter_keys[FILTER_NKEYS] = {
	[FILTER_DEFAULT] = "default",
	[FILTER_RULES] = "rules",
};

/* dport before sport: a bare "port" most likely means the destination. */
enum {
	RULE_NAME,
	RULE_SRC,
	RULE_DST,
	RULE_PROTO,
	RULE_DPORT,
	RULE_SPORT,
	RULE_ACTION,
	RULE_NKEYS,
};

_Static_assert(RULE_NKEYS <= CONF_FIELDS_MAX, "rule keys fit the mapping reader");

static const char *const rule_keys[RULE_NKEYS] = {
	[RULE_NAME] = "name",
	[RULE_SRC] = "src",
	[RULE_DST] = "dst",
	[RULE_PROTO] = "proto",
	[RULE_DPORT] = "dport",
	[RULE_SPORT] = "sport",
	[RULE_ACTION] = "action",
};

static const char *const proto_words[] = { "any", "tcp", "udp", "icmp", "icmpv6" };
static const uint8_t proto_numbers[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
					 IPPROTO_ICMPV6 };

/* Indexed like enum conf_action, less one. */
static const char *const action_words[] = { "allow", "deny" };

static int parse_action(struct conf_doc *doc, const yaml_node_t *node, const char *key,
			enum conf_action *out)
{
	unsigned int i;

	if (conf_keyword(doc, node, key, action_words, CONF_ARRAY_LEN(action_words), &i))
		return -1;
	*out = i == 0 ? CONF_ACTION_ALLOW : CONF_ACTION_DENY;
	return 0;
}

static int parse_rule_name(struct conf_doc *doc, const yaml_node_t *node,
			   const struct conf_rule *earlier, size_t n_earlier, struct conf_rule *r)
{
	if (conf_name(doc, node, r->name))
		return -1;
	for (size_t i = 0; i < n_earlier; i++)
		if (strcmp(earlier[i].name, r->name) == 0)
			return conf_fail(doc, node,
					 "rule name '%s' is already used by the rule at %u:%u",
					 r->name, earlier[i].pos.line, earlier[i].pos.col);
	return 0;
}

/* One rule cannot match both families: a packet is either IPv4 or IPv6. */
static int check_families(struct conf_doc *doc, yaml_node_t *const *v, const struct conf_rule *r)
{
	int family = r->has_src ? r->src.addr.family : r->has_dst ? r->dst.addr.family : 0;

	if (r->has_src && r->has_dst && r->src.addr.family != r->dst.addr.family)
		return conf_fail(doc, v[RULE_DST],
				 "dst is %s but src is %s; a rule matches one address family",
				 conf_family_name(r->dst.addr.family),
				 conf_family_name(r->src.addr.family));
	if (r->proto == IPPROTO_ICMP && family == AF_INET6)
		return conf_fail(doc, v[RULE_PROTO],
				 "proto icmp never matches IPv6 addresses; use icmpv6");
	if (r->proto == IPPROTO_ICMPV6 && family == AF_INET)
		return conf_fail(doc, v[RULE_PROTO],
				 "proto icmpv6 never matches IPv4 addresses; use icmp");
	return 0;
}

static int parse_ports(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		       uint8_t proto, uint16_t *lo, uint16_t *hi)
{
	*lo = 0;
	*hi = UINT16_MAX;
	if (!node)
		return 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return conf_fail(doc, node, "%s needs proto tcp or udp; only they have ports", key);
	return conf_port_range(doc, node, key, lo, hi);
}

static int parse_rule(struct conf_doc *doc, const yaml_node_t *node,
		      const struct conf_rule *earlier, size_t n_earlier, struct conf_rule *r)
{
	yaml_node_t *v[RULE_NKEYS];
	unsigned int proto = 0;

	if (conf_expect_mapping(doc, node, "a filter rule") ||
	    conf_mapping_fields(doc, node, "in a filter rule", rule_keys, RULE_NKEYS, v))
		return -1;
	r->pos = conf_node_pos(node);
	if (v[RULE_NAME] && parse_rule_name(doc, v[RULE_NAME], earlier, n_earlier, r))
		return -1;
	r->has_src = v[RULE_SRC] != NULL;
	if (r->has_src && conf_node_cidr(doc, v[RULE_SRC], "src", &r->src))
		return -1;
	r->has_dst = v[RULE_DST] != NULL;
	if (r->has_dst && conf_node_cidr(doc, v[RULE_DST], "dst", &r->dst))
		return -1;
	if (v[RULE_PROTO] &&
	    conf_keyword(doc, v[RULE_PROTO], "proto", proto_words,
			 CONF_ARRAY_LEN(proto_words), &proto))
		return -1;
	r->proto = proto_numbers[proto];
	if (check_families(doc, v, r) ||
	    parse_ports(doc, v[RULE_SPORT], "sport", r->proto, &r->sport_lo, &r->sport_hi) ||
	    parse_ports(doc, v[RULE_DPORT], "dport", r->proto, &r->dport_lo, &r->dport_hi))
		return -1;
	if (!v[RULE_ACTION])
		return conf_fail(doc, node,
				 "filter rule%s%s%s is missing required key 'action' (allow or deny)",
				 r->name[0] ? " '" : "", r->name, r->name[0] ? "'" : "");
	return parse_action(doc, v[RULE_ACTION], "action", &r->action);
}

static int parse_rules(struct conf_doc *doc, const yaml_node_t *node, struct conf_filter *out)
{
	size_t n;

	if (conf_is_null(node))
		return 0;
	if (conf_expect_sequence(doc, node, "'rules'"))
		return -1;
	n = conf_sequence_len(node);
	if (n > SLUICE_MAX_RULES)
		return conf_fail(doc, conf_sequence_item(doc, node, SLUICE_MAX_RULES),
				 "too many filter rules: sluice holds at most %d",
				 SLUICE_MAX_RULES);
	if (n == 0)
		return 0;
	out->rules = calloc(n, sizeof(*out->rules));
	if (!out->rules)
		return conf_fail(doc, node, "out of memory for %zu rules", n);
	for (size_t i = 0; i < n; i++) {
		if (parse_rule(doc, conf_sequence_item(doc, node, i), out->rules, i,
			       &out->rules[i]))
			return -1;
	}
	out->n_rules = n;
	return 0;
}

int conf_parse_filter(struct conf_doc *doc, const yaml_node_t *node, struct conf_filter *out)
{
	yaml_node_t *v[FILTER_NKEYS];

	out->default_action = CONF_ACTION_ALLOW;
	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'filter'") ||
	    conf_mapping_fields(doc, node, "in 'filter'", filter_keys, FILTER_NKEYS, v))
		return -1;
	if (v[FILTER_DEFAULT] && parse_action(doc, v[FILTER_DEFAULT], "default",
					      &out->default_action))
		return -1;
	return v[FILTER_RULES] ? parse_rules(doc, v[FILTER_RULES], out) : 0;
}
