// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <string.h>

#include "conf/closest.h"
#include "conf/rule_l4.h"
#include "conf/values.h"

/* Indexed by bit: flag i is (1 << i), as in the TCP header and CONF_TCP_*. */
static const char *const tcp_flag_names[] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr",
};

_Static_assert(CONF_TCP_FIN == 1 << 0 && CONF_TCP_SYN == 1 << 1 && CONF_TCP_RST == 1 << 2 &&
	       CONF_TCP_PSH == 1 << 3 && CONF_TCP_ACK == 1 << 4 && CONF_TCP_URG == 1 << 5 &&
	       CONF_TCP_ECE == 1 << 6 && CONF_TCP_CWR == 1 << 7,
	       "tcp_flag_names is indexed by the bit of each flag");

/* Longest flag text worth a "did you mean" (longer is no misspelling of a flag). */
#define FLAG_TEXT_MAX	32

static int flag_bit(const char *s, size_t len)
{
	for (size_t i = 0; i < CONF_ARRAY_LEN(tcp_flag_names); i++)
		if (strlen(tcp_flag_names[i]) == len && memcmp(tcp_flag_names[i], s, len) == 0)
			return (int)i;
	return -1;
}

bool conf_is_tcp_flag(const char *word)
{
	return flag_bit(word, strlen(word)) >= 0;
}

const char *conf_tcp_flag_name(unsigned int bit)
{
	return bit < CONF_ARRAY_LEN(tcp_flag_names) ? tcp_flag_names[bit] : NULL;
}

static int unknown_flag(struct conf_doc *doc, const yaml_node_t *node, const char *whole,
			const char *s, size_t len)
{
	char word[FLAG_TEXT_MAX + 1], known[64];
	const char *hint = NULL;

	if (len <= FLAG_TEXT_MAX) {
		memcpy(word, s, len);
		word[len] = '\0';
		hint = conf_closest(word, tcp_flag_names, CONF_ARRAY_LEN(tcp_flag_names));
	}
	if (hint)
		return conf_fail(doc, node,
				 "unknown TCP flag '%.*s' in tcp_flags '%s'; did you mean '%s'?",
				 (int)len, s, whole, hint);
	conf_join_choices(known, sizeof(known), tcp_flag_names, CONF_ARRAY_LEN(tcp_flag_names));
	return conf_fail(doc, node, "unknown TCP flag '%.*s' in tcp_flags '%s'; expected %s",
			 (int)len, s, whole, known);
}

/* The flags of s[0..len), separated by '|' or ','. */
static int flag_list(struct conf_doc *doc, const yaml_node_t *node, const char *whole,
		     const char *s, size_t len, uint8_t *out)
{
	const char *end = s + len;

	*out = 0;
	for (const char *word = s; word <= end;) {
		/* The value part of VALUE/MASK ends at the '/', the rest at the NUL. */
		size_t n = strcspn(word, "|,/");
		int bit;

		if (n == 0)
			return conf_fail(doc, node,
					 "tcp_flags '%s' has an empty flag name; separate flags with one '|', e.g. syn|ack",
					 whole);
		bit = flag_bit(word, n);
		if (bit < 0)
			return unknown_flag(doc, node, whole, word, n);
		if (*out & (1U << bit))
			return conf_fail(doc, node, "tcp_flags '%s' names %s twice",
					 whole, tcp_flag_names[bit]);
		*out |= (uint8_t)(1U << bit);
		word += n + 1;
	}
	return 0;
}

int conf_tcp_flags(struct conf_doc *doc, const yaml_node_t *node, uint8_t proto,
		   uint8_t *value, uint8_t *mask)
{
	const char *text, *slash;
	uint8_t outside;

	if (proto != IPPROTO_TCP)
		return conf_fail(doc, node, "tcp_flags needs proto tcp; only TCP has flags");
	text = conf_scalar(doc, node, "tcp_flags");
	if (!text)
		return -1;
	if (text[0] == '\0')
		return conf_fail(doc, node, "tcp_flags is empty; expected e.g. syn or syn/syn|ack");
	if (strchr(text, ' '))
		return conf_fail(doc, node,
				 "tcp_flags '%s' holds spaces; write flags, '|' and '/' without them, e.g. syn/syn|ack",
				 text);
	slash = strchr(text, '/');
	if (!slash) {
		if (flag_list(doc, node, text, text, strlen(text), value))
			return -1;
		*mask = *value;
		return 0;
	}
	if (strchr(slash + 1, '/'))
		return conf_fail(doc, node,
				 "tcp_flags '%s' has more than one '/'; write VALUE/MASK, e.g. syn/syn|ack",
				 text);
	if (slash == text || slash[1] == '\0')
		return conf_fail(doc, node,
				 "tcp_flags '%s' has nothing %s '/'; write VALUE/MASK, e.g. syn/syn|ack",
				 text, slash == text ? "before" : "after");
	if (flag_list(doc, node, text, text, (size_t)(slash - text), value) ||
	    flag_list(doc, node, text, slash + 1, strlen(slash + 1), mask))
		return -1;
	outside = *value & (uint8_t)~*mask;
	if (outside)
		return conf_fail(doc, node,
				 "tcp_flags '%s': %s is in the value but not in the mask; the mask lists every flag looked at",
				 text, tcp_flag_names[__builtin_ctz(outside)]);
	return 0;
}

/* ICMP (RFC 792 and successors) and ICMPv6 (RFC 4443, 4861) message types by name. */
static const char *const icmp_names[] = {
	"echo-reply", "dest-unreachable", "redirect", "echo-request", "router-advertisement",
	"router-solicitation", "time-exceeded", "parameter-problem",
};
static const uint8_t icmp_types[] = { 0, 3, 5, 8, 9, 10, 11, 12 };

static const char *const icmpv6_names[] = {
	"dest-unreachable", "packet-too-big", "time-exceeded", "parameter-problem",
	"echo-request", "echo-reply", "router-solicitation", "router-advertisement",
	"neighbour-solicitation", "neighbour-advertisement", "redirect",
};
static const uint8_t icmpv6_types[] = { 1, 2, 3, 4, 128, 129, 133, 134, 135, 136, 137 };

_Static_assert(CONF_ARRAY_LEN(icmp_names) == CONF_ARRAY_LEN(icmp_types), "one type per name");
_Static_assert(CONF_ARRAY_LEN(icmpv6_names) == CONF_ARRAY_LEN(icmpv6_types), "one type per name");

struct icmp_table {
	const char *proto;
	const char *const *names;
	const uint8_t *types;
	size_t n;
};

static const struct icmp_table icmp_table = {
	"icmp", icmp_names, icmp_types, CONF_ARRAY_LEN(icmp_names),
};
static const struct icmp_table icmpv6_table = {
	"icmpv6", icmpv6_names, icmpv6_types, CONF_ARRAY_LEN(icmpv6_names),
};

static bool icmp_lookup(const struct icmp_table *t, const char *name, uint8_t *out)
{
	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->names[i], name) == 0) {
			*out = t->types[i];
			return true;
		}
	}
	return false;
}

int conf_icmp_type(struct conf_doc *doc, const yaml_node_t *node, uint8_t proto,
		   uint8_t *out)
{
	const struct icmp_table *t, *other;
	const char *text, *hint;
	char known[320];
	uint32_t number;
	uint8_t ignored;

	if (proto != IPPROTO_ICMP && proto != IPPROTO_ICMPV6)
		return conf_fail(doc, node,
				 "icmp_type needs proto icmp or icmpv6; the type numbers differ between them");
	text = conf_scalar(doc, node, "icmp_type");
	if (!text)
		return -1;
	/* Every name starts with a letter; anything else is meant as a number. */
	if (!((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'))) {
		if (conf_uint(doc, node, "icmp_type", 0, UINT8_MAX, &number))
			return -1;
		*out = (uint8_t)number;
		return 0;
	}
	t = proto == IPPROTO_ICMP ? &icmp_table : &icmpv6_table;
	other = proto == IPPROTO_ICMP ? &icmpv6_table : &icmp_table;
	if (icmp_lookup(t, text, out))
		return 0;
	if (icmp_lookup(other, text, &ignored))
		return conf_fail(doc, node,
				 "icmp_type '%s' is an %s type but the rule's proto is %s",
				 text, other->proto, t->proto);
	hint = conf_closest(text, t->names, t->n);
	if (hint)
		return conf_fail(doc, node, "unknown %s type '%s'; did you mean '%s'?",
				 t->proto, text, hint);
	conf_join_choices(known, sizeof(known), t->names, t->n);
	return conf_fail(doc, node, "unknown %s type '%s'; expected 0..255 or %s",
			 t->proto, text, known);
}
