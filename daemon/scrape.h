/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the daemon serves at /metrics: the interface's counters, as `sluice stats
 * --prometheus` prints them, then what only the daemon knows: each backend's
 * health, its checks by result, their latency, applies and reloads by result. The
 * server follows the config's `metrics: listen` across reloads.
 */
#ifndef SLUICE_DAEMON_SCRAPE_H
#define SLUICE_DAEMON_SCRAPE_H

#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf/config.h"

struct running;
struct metrics_server;

/* The daemon's /metrics server, in its event loop. */
struct scrape {
	struct running *r;
	sd_event *ev;
	struct metrics_server *server;	/* NULL: none (the config has no metrics section) */
	struct conf_listen served;	/* where server listens */
	sd_event_source *io, *timer;
	uint64_t listen_failures;	/* listen addresses a reload asked for in vain */
};

/*
 * Serve r's metrics at r->cfg.metrics.listen from ev, when the config asks for a
 * server. 0, or -errno with the reason logged: at start, a daemon that cannot
 * listen where it is told to does not start.
 */
int scrape_start(struct scrape *s, struct running *r, sd_event *ev);

/*
 * After a reload applied: listen where r->cfg says now. A new address is bound
 * before the old one is let go; when it cannot be, that is logged and counted
 * and the old listener stays. A config without `metrics` stops the server.
 */
void scrape_follow(struct scrape *s);

void scrape_stop(struct scrape *s);

#endif /* SLUICE_DAEMON_SCRAPE_H */
