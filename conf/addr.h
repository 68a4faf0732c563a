/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* IPv4 and IPv6 addresses and prefixes (CIDR) read from scalar nodes. */
#ifndef SLUICE_CONF_ADDR_H
#define SLUICE_CONF_ADDR_H

#include <stdbool.h>

#include "conf/doc.h"

/* Longest text conf_addr_str writes, NUL included (INET6_ADDRSTRLEN). */
#define CONF_ADDR_STR_LEN	46

/* A single unicast address, v4 or v6: what a VIP or a backend is. */
int conf_node_unicast(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		      struct conf_addr *out);

/* "ADDR/LEN" with no host bits set, or a plain address meaning the whole /32 or /128. */
int conf_node_cidr(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		   struct conf_cidr *out);

bool conf_addr_equal(const struct conf_addr *a, const struct conf_addr *b);

/* "192.0.2.10" or "2001:db8::10", for messages. */
const char *conf_addr_str(const struct conf_addr *addr, char buf[CONF_ADDR_STR_LEN]);

/* "IPv4" or "IPv6". */
const char *conf_family_name(int family);

#endif /* SLUICE_CONF_ADDR_H */
