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
#include "daemon/daemon.h"
#include "daemon/health.h"
#include "daemon/state_file.h"
#include "daemon/tamper.h"

struct running {
	const char *ifname;
	const char *cfg_path;
	sd_event *ev;
	struct conf cfg;		/* the valid config running now */
	struct health *health;		/* its backends' checks, file order */
	bool *unanswered;		/* left out: no neighbour answered, file order */
	struct watch *watch;
	sd_event_source *reapply;	/* a pending apply after health or neighbours moved */
	time_t loaded_at;
	struct reload_result last;
	uint64_t applies_done, applies_refused;	/* first apply, reloads, re-applies */
	unsigned int ticks;
	struct tamper_count tamper;	/* changes found behind the daemon's back */
};

/* Load and validate the file; prints FILE:LINE:COL. Returns an exit code (0, 2). */
int running_load_first(struct running *r, const struct daemon_opts *o);

/* First apply (lenient on neighbours), checks and the neighbour watch. Exit code. */
int running_start(struct running *r, sd_event *ev);

/* Tell systemd the node is up (READY=1) and write the state file. */
void running_ready(struct running *r);

/* Validate the file again and apply it all or nothing; a bad file keeps what runs. */
void running_reload(struct running *r, const char *why);

/* Reload when the file is written or replaced (inotify on its directory). */
int running_watch_file(struct running *r);

/* Apply the running config again once the loop is free (daemon/tamper.c: repairs). */
void running_reapply(struct running *r);

/* Once a second: probe the unanswered neighbours, refresh the state file. */
void running_tick(struct running *r);

void running_free(struct running *r);

#endif /* SLUICE_DAEMON_RUNNING_H */
