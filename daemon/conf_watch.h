/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The files a running config was read from, watched: the main file, every file
 * it includes, and the globs of its includes (a new blocklist file that a glob
 * matches is a change too). inotify watches their directories, so that an
 * editor's write-to-a-temporary-and-rename is seen as well as a write in place.
 */
#ifndef SLUICE_DAEMON_CONF_WATCH_H
#define SLUICE_DAEMON_CONF_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "conf/config.h"

struct conf_watch_dir;

struct conf_watch {
	sd_event *ev;
	void (*changed)(void *ud, const char *path);	/* path: the file written */
	void *ud;
	size_t n_dirs;
	struct conf_watch_dir *dirs;
};

/*
 * Watch what cfg was read from, in place of what was watched before. On failure
 * (a directory that cannot be watched) returns a negative errno and keeps the
 * watches it had; the daemon then goes on with those.
 */
int conf_watch_follow(struct conf_watch *w, const struct conf *cfg);

void conf_watch_stop(struct conf_watch *w);

#endif /* SLUICE_DAEMON_CONF_WATCH_H */
