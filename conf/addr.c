// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"

_Static_assert(CONF_ADDR_STR_LEN >= INET6_ADDRSTRLEN, "room for any address");

/* inet_pton is strict: dotted quads only, no zone ids, no leading/trailing junk. */
static bool parse_addr(const char *text, struct conf_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		return true;
	}
	return false;
}

static unsigned int family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

const char *conf_family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

const char *conf_addr_str(const struct conf_addr *addr, char buf[CONF_ADDR_STR_LEN])
{
	if (!inet_ntop(addr->family, addr->bytes, buf, CONF_ADDR_STR_LEN))
		buf[0] = '\0';
	return buf;
}

bool conf_addr_equal(const struct conf_addr *a, const struct conf_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

static int not_an_address(struct conf_doc *doc, const yaml_node_t *node, const char *key,
			  const char *text)
{
	return conf_fail(doc, node, "%s '%s' is not an IPv4 or IPv6 address", key, text);
}

/*
 * Traffic is never addressed to these, so a VIP or backend set to one is a typo
 * (or a copied netmask) that would otherwise fail silently at run time.
 */
static const char *not_unicast_reason(const struct conf_addr *a)
{
	static const uint8_t zero[16];
	size_t len = a->family == AF_INET ? 4 : 16;

	if (memcmp(a->bytes, zero, len) == 0)
		return "the unspecified address";
	if (a->family == AF_INET) {
		if ((a->bytes[0] & 0xf0) == 0xe0)
			return "a multicast address";
		if (a->bytes[0] == 255 && a->bytes[1] == 255 && a->bytes[2] == 255 &&
		    a->bytes[3] == 255)
			return "the broadcast address";
		return NULL;
	}
	return a->bytes[0] == 0xff ? "a multicast address" : NULL;
}

int conf_node_unicast(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		      struct conf_addr *out)
{
	const char *text = conf_scalar(doc, node, key);
	const char *why;

	if (!text)
		return -1;
	if (strchr(text, '/'))
		return conf_fail(doc, node, "%s '%s' must be a single address, not a prefix",
				 key, text);
	if (!parse_addr(text, out))
		return not_an_address(doc, node, key, text);
	why = not_unicast_reason(out);
	if (why)
		return conf_fail(doc, node, "%s %s is %s; expected a unicast address",
				 key, text, why);
	return 0;
}

static void mask_host_bits(struct conf_addr *a, unsigned int prefix_len)
{
	for (unsigned int i = 0; i < sizeof(a->bytes); i++) {
		unsigned int first_bit = i * 8;

		if (first_bit >= prefix_len)
			a->bytes[i] = 0;
		else if (prefix_len - first_bit < 8)
			a->bytes[i] &= (uint8_t)(0xff00 >> (prefix_len - first_bit));
	}
}

int conf_node_cidr(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		   struct conf_cidr *out)
{
	const char *text = conf_scalar(doc, node, key);
	char addr_text[CONF_ADDR_STR_LEN];
	const char *slash, *len_text;
	unsigned int prefix_len = 0, bits;
	struct conf_addr masked;
	char shown[CONF_ADDR_STR_LEN];

	if (!text)
		return -1;
	slash = strchr(text, '/');
	if (!slash) {
		if (!parse_addr(text, &out->addr))
			return not_an_address(doc, node, key, text);
		out->prefix_len = (uint8_t)family_bits(out->addr.family);
		return 0;
	}
	if ((size_t)(slash - text) >= sizeof(addr_text))
		return not_an_address(doc, node, key, text);
	memcpy(addr_text, text, (size_t)(slash - text));
	addr_text[slash - text] = '\0';
	if (!parse_addr(addr_text, &out->addr))
		return conf_fail(doc, node, "%s '%s': '%s' is not an IPv4 or IPv6 address",
				 key, text, addr_text);
	len_text = slash + 1;
	bits = family_bits(out->addr.family);
	if (*len_text == '\0' || strspn(len_text, "0123456789") != strlen(len_text))
		return conf_fail(doc, node, "%s '%s': prefix length '%s' is not a number 0..%u",
				 key, text, len_text, bits);
	/* Saturate: any length past 128 is just as wrong, and must not wrap. */
	for (const char *c = len_text; *c && prefix_len <= 128; c++)
		prefix_len = prefix_len * 10 + (unsigned int)(*c - '0');
	if (prefix_len > bits)
		return conf_fail(doc, node,
				 "%s '%s': prefix length %s is too long for %s (at most %u)", key,
				 text, len_text, conf_family_name(out->addr.family), bits);
	masked = out->addr;
	mask_host_bits(&masked, prefix_len);
	if (!conf_addr_equal(&masked, &out->addr))
		return conf_fail(doc, node, "%s %s has host bits set; did you mean %s/%u?",
				 key, text, conf_addr_str(&masked, shown), prefix_len);
	out->prefix_len = (uint8_t)prefix_len;
	return 0;
}
