// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* IPv4 and IPv6 prefixes given on the command line, parsed and printed. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/prefix.h"

static int parse_addr(const char *text, struct conf_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, out->bytes) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, text, out->bytes) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

static void mask_host_bits(struct conf_addr *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < sizeof(a->bytes); i++) {
		if (i * 8 >= len)
			a->bytes[i] = 0;
		else if (len - i * 8 < 8)
			a->bytes[i] &= (uint8_t)(0xff00 >> (len - i * 8));
	}
}

int prefix_parse(const char *text, struct conf_cidr *out, char *err, size_t err_len)
{
	const char *slash = strchr(text, '/');
	char addr[INET6_ADDRSTRLEN], shown[PREFIX_STR_LEN];
	unsigned int bits;
	unsigned long len;
	struct conf_cidr masked;
	char *end;

	if ((slash ? (size_t)(slash - text) : strlen(text)) >= sizeof(addr))
		goto not_addr;
	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - text) : (int)strlen(text),
		 text);
	if (parse_addr(addr, &out->addr))
		goto not_addr;
	bits = out->addr.family == AF_INET ? 32 : 128;
	out->prefix_len = (uint8_t)bits;
	if (!slash)
		return 0;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || slash[1] == '-' || slash[1] == '+' || len > bits) {
		snprintf(err, err_len, "'%s': the prefix length must be a number 0..%u", text,
			 bits);
		return -EINVAL;
	}
	out->prefix_len = (uint8_t)len;
	masked = *out;
	mask_host_bits(&masked.addr, (unsigned int)len);
	if (memcmp(masked.addr.bytes, out->addr.bytes, sizeof(out->addr.bytes))) {
		snprintf(err, err_len, "'%s' has host bits set; did you mean %s?", text,
			 prefix_str(&masked, shown));
		return -EINVAL;
	}
	return 0;
not_addr:
	snprintf(err, err_len, "'%s' is not an IPv4 or IPv6 address or prefix", text);
	return -EINVAL;
}

const char *prefix_str(const struct conf_cidr *p, char buf[PREFIX_STR_LEN])
{
	char addr[INET6_ADDRSTRLEN] = "?";

	inet_ntop(p->addr.family, p->addr.bytes, addr, sizeof(addr));
	snprintf(buf, PREFIX_STR_LEN, "%s/%u", addr, p->prefix_len);
	return buf;
}
