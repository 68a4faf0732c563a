/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The daemon's log: one line per event on stderr, prefixed with its syslog level
 * as "<N>", which journald reads as the line's priority (sd-daemon(3)).
 */
#ifndef SLUICE_DAEMON_LOG_H
#define SLUICE_DAEMON_LOG_H

#include <syslog.h>

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* SLUICE_DAEMON_LOG_H */
