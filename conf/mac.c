// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A MAC is written as six pairs of hex digits joined by ':', in either case, the way
 * `ip link` prints it. Only unicast MACs can be listed: broadcast and multicast
 * frames are the node's already, and a group address as a frame's source (l2dsr
 * writes ours there) is invalid.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "conf/mac.h"

#define MAC_TEXT_LEN	17	/* "02:00:5e:00:01:01" */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_mac(const char *text, uint8_t out[6])
{
	int hi, lo;

	if (strlen(text) != MAC_TEXT_LEN)
		return false;
	for (size_t i = 0; i < 6; i++) {
		const char *pair = text + 3 * i;

		hi = hex_digit(pair[0]);
		lo = hex_digit(pair[1]);
		if (hi < 0 || lo < 0 || (i < 5 && pair[2] != ':'))
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Why a frame never comes to mac as to one host, or NULL. */
static const char *not_unicast_reason(const uint8_t mac[6])
{
	static const uint8_t zero[6], broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(mac, zero, 6))
		return "the all-zero address, which no frame is sent to";
	if (!memcmp(mac, broadcast, 6))
		return "the broadcast address, whose frames sluice handles already";
	if (mac[0] & 1)
		return "a multicast address, whose frames sluice handles already";
	return NULL;
}

static int parse_one(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg)
{
	const char *text = conf_scalar(doc, node, "macs");
	struct conf_mac *mac = &cfg->macs[cfg->n_macs];
	const char *why;

	if (!text)
		return -1;
	if (!parse_mac(text, mac->addr))
		return conf_fail(doc, node,
				 "macs: '%s' is not a MAC address; expected six pairs of hex digits joined by ':', like 02:00:5e:00:01:01",
				 text);
	why = not_unicast_reason(mac->addr);
	if (why)
		return conf_fail(doc, node, "macs: %s is %s; list unicast MACs only", text, why);
	for (size_t i = 0; i < cfg->n_macs; i++)
		if (!memcmp(cfg->macs[i].addr, mac->addr, 6))
			return conf_fail(doc, node, "macs lists %s twice (first at %u:%u)", text,
					 cfg->macs[i].pos.line, cfg->macs[i].pos.col);
	mac->pos = conf_node_pos(node);
	cfg->n_macs++;
	return 0;
}

int conf_parse_macs(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg)
{
	size_t n;

	if (conf_is_null(node))
		return 0;
	if (conf_expect_sequence(doc, node, "'macs'"))
		return -1;
	n = conf_sequence_len(node);
	if (n > CONF_MACS_MAX)
		return conf_fail(doc, conf_sequence_item(doc, node, CONF_MACS_MAX),
				 "macs: sluice holds at most %d MACs besides the interface's own",
				 CONF_MACS_MAX);
	for (size_t i = 0; i < n; i++)
		if (parse_one(doc, conf_sequence_item(doc, node, i), cfg))
			return -1;
	return 0;
}
