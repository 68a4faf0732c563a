/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `sluice monitor --match EXPR`: which samples to show, in words an operator knows.
 *
 *   EXPR := TERM { ("and" | "or") TERM }      "and" binds tighter than "or"
 *   TERM := ["not"] FIELD VALUE
 *   src|dst|host PREFIX      address or prefix, IPv4 or IPv6 (host: either end)
 *   sport|dport|port PORT[-PORT]
 *   proto tcp|udp|icmp|icmpv6|NUMBER
 *   service NAME | rule NAME | backend ADDR
 *   verdict drop|pass|tx|redirect|aborted
 *   reason REASON            the counter that counted it (filter_drop, lb_no_backend...)
 *
 * Parsing is pure (unit-tested); names of rules and services are checked against
 * the running state by the command.
 */
#ifndef SLUICE_CLI_MONITOR_MATCH_H
#define SLUICE_CLI_MONITOR_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdp/abi.h"
#include "conf/config.h"

#define MATCH_TERMS_MAX		32

enum match_field {
	MATCH_SRC,
	MATCH_DST,
	MATCH_HOST,
	MATCH_SPORT,
	MATCH_DPORT,
	MATCH_PORT,
	MATCH_PROTO,
	MATCH_SERVICE,
	MATCH_RULE,
	MATCH_BACKEND,
	MATCH_VERDICT,
	MATCH_REASON,
};

struct match_term {
	enum match_field field;
	bool negate;
	bool or_before;		/* starts a new "or" alternative */
	struct conf_cidr cidr;	/* src, dst, host, backend (a whole address) */
	uint16_t lo, hi;	/* ports */
	uint32_t value;		/* proto number, XDP verdict, enum sluice_stat */
	char name[SLUICE_NAME_LEN];	/* service, rule */
};

struct monitor_match {
	size_t n;		/* 0: every sample */
	struct match_term terms[MATCH_TERMS_MAX];
};

/* A sample as the expression sees it: the event and the names it maps to. */
struct match_sample {
	const struct sluice_monitor_event *ev;
	const char *rule;			/* NULL when the reason names none */
	const char *service;			/* likewise */
	const struct sluice_backend *backend;	/* NULL unless forwarded to one */
};

/* Parse text into *out; on failure returns -EINVAL and writes why into err. */
int monitor_match_parse(const char *text, struct monitor_match *out, char *err,
			size_t err_len);

bool monitor_match_eval(const struct monitor_match *m, const struct match_sample *s);

/* "drop", "pass", "tx", "redirect", "aborted"; NULL for no XDP verdict. */
const char *monitor_verdict_name(uint32_t verdict);

#endif /* SLUICE_CLI_MONITOR_MATCH_H */
