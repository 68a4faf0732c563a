/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the daemon serves at /metrics: the interface's counters, as `sluice stats
 * --prometheus` prints them, then what only the daemon knows: each backend's
 * health, its checks by result, their latency, and the applies by result.
 */
#ifndef SLUICE_DAEMON_SCRAPE_H
#define SLUICE_DAEMON_SCRAPE_H

#include <systemd/sd-event.h>

struct running;
struct metrics_server;

/*
 * Serve r's metrics at r->cfg.metrics.listen from ev, when the config asks for a
 * server; *out is then the server, else NULL. 0, or -errno with the reason logged.
 */
int scrape_serve(struct running *r, sd_event *ev, struct metrics_server **out);

#endif /* SLUICE_DAEMON_SCRAPE_H */
