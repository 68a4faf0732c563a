/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A TCP address to listen on, "ADDR:PORT" or "[IPV6]:PORT": the metrics server's. */
#ifndef SLUICE_CONF_LISTEN_H
#define SLUICE_CONF_LISTEN_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

/* Longest text conf_listen_str writes, NUL included: "[" ADDR "]:" PORT. */
#define CONF_LISTEN_STR_LEN	(46 + 8)

/*
 * Parse text into *out. Returns 0, or -1 with why it is not one in why (why_len
 * bytes), a sentence that follows the text in a message: "'x:1' ..." .
 */
int conf_listen_parse(const char *text, struct conf_listen *out, char *why, size_t why_len);

/* "127.0.0.1:9444" or "[::1]:9444". */
const char *conf_listen_str(const struct conf_listen *l, char buf[CONF_LISTEN_STR_LEN]);

#endif /* SLUICE_CONF_LISTEN_H */
