/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What `sluice monitor` prints of one sample: a line for people, or a JSON line. */
#ifndef SLUICE_CLI_MONITOR_OUT_H
#define SLUICE_CLI_MONITOR_OUT_H

#include <stdio.h>
#include <sys/time.h>

#include "cli/monitor_match.h"

/* The sample explained in sluice's words: "denied by rule deny-ssh", "service web has no backend". */
void monitor_explain(const struct match_sample *s, char *buf, size_t len);

/* "12:04:05.123456 drop tcp 10.0.0.2:40312 > 10.0.0.1:22 len 74: denied by rule deny-ssh". */
void monitor_print_text(FILE *out, const struct match_sample *s, const struct timeval *when);

/* One JSON object on one line (README.md, "sluice monitor"). */
void monitor_print_json(FILE *out, const char *ifname, const struct match_sample *s,
			const struct timeval *when);

#endif /* SLUICE_CLI_MONITOR_OUT_H */
