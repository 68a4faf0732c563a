// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/addr.h"
#include "conf/listen.h"
#include "conf/values.h"

/* The port after the last ':', in 1..65535 (0 would mean "any port" to the kernel). */
static int parse_port(const char *text, uint16_t *port, char *why, size_t why_len)
{
	uint64_t n;

	if (!conf_decimal(text, strlen(text), &n) || n == 0 || n > 65535) {
		snprintf(why, why_len, "has port '%s'; expected 1..65535", text);
		return -1;
	}
	*port = (uint16_t)n;
	return 0;
}

/* text[0..len) as an address of family, strictly (inet_pton). */
static bool parse_host(const char *text, size_t len, int family, struct conf_addr *out)
{
	char host[CONF_ADDR_STR_LEN];

	if (len >= sizeof(host))
		return false;
	memcpy(host, text, len);
	host[len] = '\0';
	out->family = family;
	return inet_pton(family, host, out->bytes) == 1;
}

int conf_listen_parse(const char *text, struct conf_listen *out, char *why, size_t why_len)
{
	const char *colon = strrchr(text, ':');
	size_t len;
	int family = AF_INET;

	memset(out, 0, sizeof(*out));
	if (!colon) {
		snprintf(why, why_len, "lacks a port; expected ADDR:PORT or [IPV6]:PORT");
		return -1;
	}
	len = (size_t)(colon - text);
	/* IPv6 has colons of its own: brackets say where the address ends. */
	if (text[0] == '[') {
		if (len < 2 || text[len - 1] != ']') {
			snprintf(why, why_len, "opens a bracket it does not close before the port");
			return -1;
		}
		text++;
		len -= 2;
		family = AF_INET6;
	} else if (memchr(text, ':', len)) {
		snprintf(why, why_len, "is an IPv6 address without brackets; expected [IPV6]:PORT");
		return -1;
	}
	if (!parse_host(text, len, family, &out->addr)) {
		snprintf(why, why_len, "has '%.*s', not an %s address", (int)(len < 64 ? len : 64),
			 text, conf_family_name(family));
		return -1;
	}
	return parse_port(colon + 1, &out->port, why, why_len);
}

const char *conf_listen_str(const struct conf_listen *l, char buf[CONF_LISTEN_STR_LEN])
{
	char addr[CONF_ADDR_STR_LEN];
	bool v6 = l->addr.family == AF_INET6;

	snprintf(buf, CONF_LISTEN_STR_LEN, "%s%s%s:%u", v6 ? "[" : "",
		 conf_addr_str(&l->addr, addr), v6 ? "]" : "", l->port);
	return buf;
}
