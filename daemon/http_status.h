/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The status line of an HTTP response, as a health check reads it. */
#ifndef SLUICE_DAEMON_HTTP_STATUS_H
#define SLUICE_DAEMON_HTTP_STATUS_H

#include <stddef.h>

/*
 * The status code of "HTTP/1.x NNN ..." at the start of buf[0..len): returns the
 * code once its three digits have arrived, 0 before (read more), or -1 when buf does
 * not start an HTTP status line.
 */
int http_status(const char *buf, size_t len);

#endif /* SLUICE_DAEMON_HTTP_STATUS_H */
