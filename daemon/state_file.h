/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What a running `sluice run` tells `sluice status`: a JSON file under
 * /run/sluice/, named like the interface's pin directory (with "@netns-COOKIE"
 * outside the initial network namespace), replaced whole on every change.
 */
#ifndef SLUICE_DAEMON_STATE_FILE_H
#define SLUICE_DAEMON_STATE_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <time.h>

#include "daemon/announce.h"
#include "daemon/health.h"
#include "kernel/neigh.h"

#define STATE_FILE_DIR	"/run/sluice"

/* How the last load of the config file ended. */
struct reload_result {
	time_t at;
	bool applied;
	char error[CONF_ERR_LEN];	/* why not, when not applied */
};

struct daemon_report {
	const char *ifname;
	const char *cfg_path;
	time_t loaded_at;		/* when the config running now was applied */
	struct reload_result last;
	const struct health *health;	/* backends in file order */
	const struct neigh_wait *waiting;	/* left out for want of a neighbour, same order */
	const struct announce *announce;	/* the VIPs' routes */
};

/* The file for ifname in this network namespace, into buf (PATH_MAX). */
void state_file_path(const char *ifname, char *buf);

/* Replace the file (write beside it, rename). Returns 0 or -errno. */
int state_file_write(const struct daemon_report *r);

void state_file_remove(const char *ifname);

#endif /* SLUICE_DAEMON_STATE_FILE_H */
