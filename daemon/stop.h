/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A graceful stop (SIGTERM, SIGINT): withdraw every announced VIP, keep forwarding
 * (the loop runs on: checks, neighbours, metrics) for the drain time while the
 * routers move the traffic to other nodes, then exit with the data plane attached.
 * A second signal during the drain exits at once.
 */
#ifndef SLUICE_DAEMON_STOP_H
#define SLUICE_DAEMON_STOP_H

#include <systemd/sd-event.h>

#include "daemon/running.h"

/* Called for each stop signal; returns what the signal handler returns. */
int daemon_stop(struct running *r, sd_event *ev, unsigned int signo);

#endif /* SLUICE_DAEMON_STOP_H */
