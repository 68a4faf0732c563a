// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"
#include "conf/rate.h"
#include "conf/rule.h"
#include "conf/rule_l4.h"
#include "conf/values.h"

/* dport before sport: a bare "port" most likely means the destination. */
enum {
	RULE_NAME,
	RULE_PRIORITY,
	RULE_SRC,
	RULE_DST,
	RULE_PROTO,
	RULE_DPORT,
	RULE_SPORT,
	RULE_TCP_FLAGS,
	RULE_ICMP_TYPE,
	RULE_ACTION,
	RULE_RATE,
	RULE_BURST,
	RULE_PER,
	RULE_NKEYS,
};

_Static_assert(RULE_NKEYS <= CONF_FIELDS_MAX, "rule keys fit the mapping reader");

static const char *const rule_keys[RULE_NKEYS] = {
	[RULE_NAME] = "name",
	[RULE_PRIORITY] = "priority",
	[RULE_SRC] = "src",
	[RULE_DST] = "dst",
	[RULE_PROTO] = "proto",
	[RULE_DPORT] = "dport",
	[RULE_SPORT] = "sport",
	[RULE_TCP_FLAGS] = "tcp_flags",
	[RULE_ICMP_TYPE] = "icmp_type",
	[RULE_ACTION] = "action",
	[RULE_RATE] = "rate",
	[RULE_BURST] = "burst",
	[RULE_PER] = "per",
};

static const char *const proto_words[] = { "any", "tcp", "udp", "icmp", "icmpv6" };
static const uint8_t proto_numbers[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
					 IPPROTO_ICMPV6 };

const char *conf_rule_proto_word(uint8_t proto)
{
	for (size_t i = 0; i < CONF_ARRAY_LEN(proto_numbers); i++)
		if (proto_numbers[i] == proto)
			return proto_words[i];
	return "any";
}

/* Indexed like enum conf_action, less one. */
static const char *const action_words[] = { "allow", "deny", "count", "rate-limit" };

_Static_assert(CONF_ACTION_RATE_LIMIT == CONF_ARRAY_LEN(action_words),
	       "one word per action, in the order of enum conf_action");

/*
 * In flow style a comma ends a value: {tcp_flags: syn,ack} reads as tcp_flags: syn
 * and a key 'ack' without a value. Say that, rather than "unknown key 'ack'".
 */
static int check_cut_flags(struct conf_doc *doc, const yaml_node_t *map)
{
	const yaml_node_pair_t *pair, *pairs = map->data.mapping.pairs.start;
	const yaml_node_pair_t *end = map->data.mapping.pairs.top;
	bool has_flags = false;

	if (map->data.mapping.style != YAML_FLOW_MAPPING_STYLE)
		return 0;
	for (pair = pairs; pair < end; pair++) {
		const yaml_node_t *key = conf_doc_node(doc, pair->key);

		has_flags |= key->type == YAML_SCALAR_NODE &&
			     strcmp((const char *)key->data.scalar.value, "tcp_flags") == 0;
	}
	for (pair = pairs; has_flags && pair < end; pair++) {
		const yaml_node_t *key = conf_doc_node(doc, pair->key);
		const yaml_node_t *value = conf_doc_node(doc, pair->value);

		if (key->type == YAML_SCALAR_NODE && conf_is_null(value) &&
		    conf_is_tcp_flag((const char *)key->data.scalar.value))
			return conf_fail(doc, key,
					 "'%s' is cut off from tcp_flags: in {...} a comma ends the value; join flags with '|', e.g. syn|ack",
					 (const char *)key->data.scalar.value);
	}
	return 0;
}

static int parse_rule_name(struct conf_doc *doc, const yaml_node_t *node,
			   const struct conf_names *taken, struct conf_rule *r)
{
	const struct conf_pos *first;

	if (conf_name(doc, node, r->name))
		return -1;
	first = conf_names_find(taken, r->name);
	if (first)
		return conf_fail(doc, node, "rule name '%s' is already used by the rule at %u:%u",
				 r->name, first->line, first->col);
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

static int parse_match(struct conf_doc *doc, yaml_node_t *const *v, struct conf_rule *r)
{
	unsigned int proto = 0;

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
	if (v[RULE_TCP_FLAGS] &&
	    conf_tcp_flags(doc, v[RULE_TCP_FLAGS], r->proto, &r->tcp_flags, &r->tcp_flags_mask))
		return -1;
	r->has_icmp_type = v[RULE_ICMP_TYPE] != NULL;
	if (r->has_icmp_type)
		return conf_icmp_type(doc, v[RULE_ICMP_TYPE], r->proto, &r->icmp_type);
	return 0;
}

/* rate, burst and per shape a rate-limit; on any other action they would be ignored. */
static int parse_limit(struct conf_doc *doc, const yaml_node_t *node, yaml_node_t *const *v,
		       struct conf_rule *r)
{
	static const int limit_keys[] = { RULE_RATE, RULE_BURST, RULE_PER };

	if (r->action == CONF_ACTION_RATE_LIMIT)
		return conf_rate_limit(doc, node, r->name, v[RULE_RATE], v[RULE_BURST],
				       v[RULE_PER], &r->limit);
	for (size_t i = 0; i < CONF_ARRAY_LEN(limit_keys); i++)
		if (v[limit_keys[i]])
			return conf_fail(doc, v[limit_keys[i]],
					 "%s only goes with action rate-limit, and this rule's action is %s",
					 rule_keys[limit_keys[i]], action_words[r->action - 1]);
	return 0;
}

int conf_parse_rule(struct conf_doc *doc, const yaml_node_t *node,
		    const struct conf_names *taken, struct conf_rule *r)
{
	yaml_node_t *v[RULE_NKEYS];
	unsigned int action;

	if (conf_expect_mapping(doc, node, "a filter rule") || check_cut_flags(doc, node) ||
	    conf_mapping_fields(doc, node, "in a filter rule", rule_keys, RULE_NKEYS, v))
		return -1;
	r->pos = conf_node_pos(node);
	if (v[RULE_NAME] && parse_rule_name(doc, v[RULE_NAME], taken, r))
		return -1;
	if (v[RULE_PRIORITY] && conf_int(doc, v[RULE_PRIORITY], "priority", CONF_PRIORITY_MIN,
					 CONF_PRIORITY_MAX, &r->priority))
		return -1;
	if (parse_match(doc, v, r))
		return -1;
	if (!v[RULE_ACTION])
		return conf_fail(doc, node,
				 "filter rule%s%s%s is missing required key 'action' (allow, deny, count or rate-limit)",
				 r->name[0] ? " '" : "", r->name, r->name[0] ? "'" : "");
	if (conf_keyword(doc, v[RULE_ACTION], "action", action_words,
			 CONF_ARRAY_LEN(action_words), &action))
		return -1;
	r->action = (enum conf_action)(action + 1);
	return parse_limit(doc, node, v, r);
}
