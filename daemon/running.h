/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The config a daemon runs and what keeps it running: the file it came from, the
 * backends' health, those left out for want of a neighbour; reloads and re-applies,
 * always through plan/apply.c.
 */
#ifndef SLUICE_DAEMON_RUNNING_H
#define SLUICE_DAEMON_RUNNING_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "conf/config.h"
#include "kernel/neigh.h"
#include "daemon/announce.h"
#include "daemon/conf_watch.h"
#include "daemon/daemon.h"
#include "daemon/health.h"
#include "daemon/scrape.h"
#include "daemon/state_file.h"
#include "daemon/tamper.h"

struct running {
	const char *ifname;
	const char *cfg_path;
	sd_event *ev;
	struct conf cfg;		/* the valid config running now */
	struct health *health;		/* its backends' checks, file order */
	struct neigh_wait *waiting;	/* left out: no neighbour answered yet, file order */
	struct watch *watch;
	struct conf_watch files;	/* the config's files: a change reloads */
	struct scrape scrape;		/* its /metrics */
	sd_event_source *reapply;	/* a pending apply after health or neighbours moved */
	struct announce announce;	/* the VIPs' routes for the BGP daemon */
	sd_event_source *drain;		/* a graceful stop's drain, once it began */
	time_t loaded_at;
	struct reload_result last;
	uint64_t applies_done, applies_refused;	/* first apply, reloads, re-applies */
	uint64_t reloads_done, reloads_refused;	/* SIGHUP and file changes only */
	unsigned int ticks;
	struct tamper_count tamper;	/* changes found behind the daemon's back */
};

/* Load and validate the file; prints FILE:LINE:COL. Returns an exit code (0, 2). */
int running_load_first(struct running *r, const struct daemon_opts *o);

/*
 * The checks and the first apply (lenient on neighbours), under the attach lock the
 * caller holds. Exit code.
 */
int running_start(struct running *r, sd_event *ev);

/* Once the lock is released: announce what the first apply serves, watch neighbours. */
int running_follow(struct running *r);

/* Tell systemd the node is up (READY=1) and write the state file. */
void running_ready(struct running *r);

/* Validate the file again and apply it all or nothing; a bad file keeps what runs. */
void running_reload(struct running *r, const char *why);

/* Reload when the file or one it includes is written or replaced, or a file is
 * added to or removed from an include's glob (daemon/conf_watch.h). */
int running_watch_file(struct running *r);

/* Write the state file now (status reads it). */
void running_write_state(struct running *r);

/* Apply the running config again once the loop is free (daemon/tamper.c: repairs). */
void running_reapply(struct running *r);


/*
 * Once a second: take in the backends whose neighbour answers now (an answer may
 * come before its event is watched for), probe the others, refresh the state file.
 */
void running_tick(struct running *r);

void running_free(struct running *r);

#endif /* SLUICE_DAEMON_RUNNING_H */
