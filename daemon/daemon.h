/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `sluice run`: one interface's data plane kept equal to a config file, unattended.
 * Attaches (or adopts what runs), applies through plan/apply.c, then in one event
 * loop (sd-event): reloads on SIGHUP and when the file changes, keeps neighbours
 * resolved (kernel/watch.c), health-checks backends, feeds systemd's watchdog.
 * Stopping leaves the data plane attached and forwarding.
 */
#ifndef SLUICE_DAEMON_DAEMON_H
#define SLUICE_DAEMON_DAEMON_H

#include <net/if.h>
#include <xdp/libxdp.h>

struct daemon_opts {
	char ifname[IF_NAMESIZE];
	const char *cfg_path;
	enum xdp_attach_mode mode;	/* when it attaches */
};

/* Runs until SIGTERM or SIGINT. Returns the exit code: 0, 1 runtime, 2 bad config. */
int daemon_run(const struct daemon_opts *opts);

#endif /* SLUICE_DAEMON_DAEMON_H */
