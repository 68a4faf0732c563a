/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* IPv4 and IPv6 prefixes given on the command line. */
#ifndef SLUICE_CLI_PREFIX_H
#define SLUICE_CLI_PREFIX_H

#include <stddef.h>

#include "conf/config.h"

/*
 * "ADDR/LEN" with no host bits set, or a plain address meaning its /32 or /128.
 * On failure returns -EINVAL and writes why into err (err_len bytes).
 */
int prefix_parse(const char *text, struct conf_cidr *out, char *err, size_t err_len);

/* "10.0.0.0/8", "2001:db8::/32" into buf (at least PREFIX_STR_LEN bytes). */
#define PREFIX_STR_LEN	50
const char *prefix_str(const struct conf_cidr *p, char buf[PREFIX_STR_LEN]);

#endif /* SLUICE_CLI_PREFIX_H */
