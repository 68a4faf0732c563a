/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The HTTP server of /metrics (libmicrohttpd), driven by its caller's event loop:
 * no thread of its own. The caller polls metrics_server_fd for input, at most
 * metrics_server_timeout_ms, and calls metrics_server_run after either; each
 * GET /metrics calls render there, in the caller's thread, so render may use
 * whatever the caller owns without locks.
 */
#ifndef SLUICE_METRICS_SERVER_H
#define SLUICE_METRICS_SERVER_H

#include <stddef.h>
#include <stdio.h>

#include "conf/config.h"

/* Write the whole exposition to out; nonzero makes the scrape fail (HTTP 500). */
typedef int (*metrics_render_fn)(FILE *out, void *ctx);

struct metrics_server;

/*
 * Listen on addr and serve GET and HEAD of /metrics (404 for other paths, 405 for
 * other methods). NULL on failure, with why in err ("cannot listen on
 * 127.0.0.1:9444: Address already in use").
 */
struct metrics_server *metrics_server_start(const struct conf_listen *addr,
					    metrics_render_fn render, void *ctx,
					    char *err, size_t err_len);

/* An fd that becomes readable when the server has work (an epoll fd). */
int metrics_server_fd(const struct metrics_server *s);

/* How long the server may wait before metrics_server_run (idle timeouts); -1: no limit. */
int metrics_server_timeout_ms(const struct metrics_server *s);

/* Accept, read, answer: whatever is ready, without blocking. */
void metrics_server_run(struct metrics_server *s);

/* Close every connection and the listening socket; s is freed. NULL is a no-op. */
void metrics_server_stop(struct metrics_server *s);

#endif /* SLUICE_METRICS_SERVER_H */
