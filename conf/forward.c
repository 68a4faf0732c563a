// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"
#include "conf/forward.h"
#include "conf/values.h"

/* Indexed like enum conf_forward, less one. */
static const char *const forward_words[] = { "l2dsr", "ipip" };

/* Addresses no packet may come from, so never an outer source. */
static const struct {
	struct conf_cidr net;
	const char *what;
} not_sources[] = {
	{ { { AF_INET, { 0 } }, 8 }, "this network" },
	{ { { AF_INET, { 127 } }, 8 }, "loopback" },
	{ { { AF_INET, { 224 } }, 4 }, "multicast" },
	{ { { AF_INET, { 240 } }, 4 }, "reserved and broadcast" },
	{ { { AF_INET6, { 0 } }, 128 }, "the unspecified address" },
	{ { { AF_INET6, { [15] = 1 } }, 128 }, "loopback" },
	{ { { AF_INET6, { 0xff } }, 8 }, "multicast" },
};

/* Whether two prefixes share an address (never across families): one holds the other. */
static bool overlap(const struct conf_cidr *a, const struct conf_cidr *b)
{
	unsigned int len = a->prefix_len < b->prefix_len ? a->prefix_len : b->prefix_len;
	unsigned int whole = len / 8, rest = len % 8;
	uint8_t mask = (uint8_t)(0xff00 >> rest);

	if (a->addr.family != b->addr.family ||
	    memcmp(a->addr.bytes, b->addr.bytes, whole) != 0)
		return false;
	return rest == 0 || ((a->addr.bytes[whole] ^ b->addr.bytes[whole]) & mask) == 0;
}

/*
 * One prefix of encap_source. Outer sources are this prefix with the flow hash in
 * its host bits, so every address in it must be one a packet may come from.
 */
static int parse_encap_prefix(struct conf_doc *doc, const yaml_node_t *node,
			      const yaml_node_t **seen, struct conf_service *svc)
{
	struct conf_cidr c;
	const yaml_node_t **first;
	char shown[CONF_ADDR_STR_LEN];

	if (conf_node_cidr(doc, node, "encap_source", &c))
		return -1;
	first = &seen[c.addr.family == AF_INET ? 0 : 1];
	conf_addr_str(&c.addr, shown);
	for (size_t i = 0; i < CONF_ARRAY_LEN(not_sources); i++) {
		const struct conf_cidr *net = &not_sources[i].net;
		char net_shown[CONF_ADDR_STR_LEN];

		if (overlap(&c, net))
			return conf_fail(doc, node,
					 "encap_source %s/%u overlaps %s/%u (%s); outer source addresses must be unicast addresses packets may come from",
					 shown, c.prefix_len, conf_addr_str(&net->addr, net_shown),
					 net->prefix_len, not_sources[i].what);
	}
	if (*first)
		return conf_fail(doc, node,
				 "encap_source has two %s prefixes (first at %zu:%zu); give at most one per family",
				 conf_family_name(c.addr.family), (*first)->start_mark.line + 1,
				 (*first)->start_mark.column + 1);
	*first = node;
	if (c.addr.family == AF_INET) {
		svc->has_encap_src4 = true;
		svc->encap_src4 = c;
	} else {
		svc->has_encap_src6 = true;
		svc->encap_src6 = c;
	}
	return 0;
}

/* One prefix, or a list of an IPv4 and an IPv6 prefix (either may be left out). */
static int parse_encap_source(struct conf_doc *doc, const yaml_node_t *node,
			      struct conf_service *svc)
{
	const yaml_node_t *seen[2] = { 0 };
	size_t n;

	if (node->type != YAML_SEQUENCE_NODE)
		return parse_encap_prefix(doc, node, seen, svc);
	n = conf_sequence_len(node);
	if (n == 0)
		return conf_fail(doc, node,
				 "encap_source is empty; give an IPv4 prefix, an IPv6 prefix, or one of each");
	if (n > 2)
		return conf_fail(doc, conf_sequence_item(doc, node, 2),
				 "encap_source holds at most two prefixes, one IPv4 and one IPv6");
	for (size_t i = 0; i < n; i++)
		if (parse_encap_prefix(doc, conf_sequence_item(doc, node, i), seen, svc))
			return -1;
	return 0;
}

int conf_parse_forward(struct conf_doc *doc, const yaml_node_t *forward,
		       const yaml_node_t *encap, struct conf_service *svc)
{
	unsigned int mode = 0;

	if (forward && conf_keyword(doc, forward, "forward", forward_words,
				    CONF_ARRAY_LEN(forward_words), &mode))
		return -1;
	svc->forward = (enum conf_forward)(mode + 1);
	if (svc->forward == CONF_FORWARD_L2DSR) {
		if (encap)
			return conf_fail(doc, encap,
					 "encap_source only goes with forward: ipip; service '%s' forwards by l2dsr, which adds no outer header",
					 svc->name);
		return 0;
	}
	if (!encap)
		return conf_fail(doc, forward,
				 "service '%s' forwards by ipip but has no 'encap_source': the prefix outer source addresses are taken from, e.g. encap_source: 10.255.0.0/24",
				 svc->name);
	return parse_encap_source(doc, encap, svc);
}

int conf_check_backend_path(struct conf_doc *doc, const yaml_node_t *node,
			    const struct conf_service *svc, const struct conf_addr *addr)
{
	const char *family = conf_family_name(addr->family);
	char shown[CONF_ADDR_STR_LEN];

	conf_addr_str(addr, shown);
	if (svc->forward == CONF_FORWARD_L2DSR) {
		if (addr->family == svc->vip.family)
			return 0;
		return conf_fail(doc, node,
				 "backend %s is %s but the VIP of service '%s' is %s; l2dsr delivers packets unchanged, so its backends are of the VIP's family",
				 shown, family, svc->name, conf_family_name(svc->vip.family));
	}
	if (addr->family == AF_INET && svc->vip.family == AF_INET6)
		return conf_fail(doc, node,
				 "backend %s is IPv4 but the VIP of service '%s' is IPv6; ipip cannot carry IPv6 in IPv4, use IPv6 backends",
				 shown, svc->name);
	if (addr->family == AF_INET ? svc->has_encap_src4 : svc->has_encap_src6)
		return 0;
	return conf_fail(doc, node,
			 "backend %s is %s but service '%s' has no %s encap_source; add an %s prefix to encap_source for the outer source addresses of its packets",
			 shown, family, svc->name, family, family);
}
