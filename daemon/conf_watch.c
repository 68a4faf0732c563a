// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

#include "daemon/conf_watch.h"

/* One directory and the names in it that matter (plain names or glob patterns). */
struct conf_watch_dir {
	struct conf_watch *owner;
	char *dir;
	sd_event_source *source;
	size_t n_names;
	struct conf_source *names;	/* path: the base name; glob: a pattern */
};

/*
 * Whether name is one of d's. A deleted file counts only for a glob (one file
 * fewer in the config): a file named itself is deleted by editors on their way to
 * writing it again, and a reload in between would only fail.
 */
static bool names_match(const struct conf_watch_dir *d, const char *name, bool deleted)
{
	for (size_t i = 0; i < d->n_names; i++) {
		const struct conf_source *n = &d->names[i];

		if (n->glob ? !fnmatch(n->path, name, FNM_PERIOD)
			    : !deleted && !strcmp(n->path, name))
			return true;
	}
	return false;
}

static int on_change(sd_event_source *s, const struct inotify_event *ev, void *ud)
{
	struct conf_watch_dir *d = ud;
	char path[PATH_MAX];

	(void)s;
	if (!ev->len || !names_match(d, ev->name, ev->mask & IN_DELETE))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", d->dir, ev->name);
	d->owner->changed(d->owner->ud, path);
	return 0;
}

static void dirs_free(struct conf_watch_dir *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sd_event_source_disable_unref(dirs[i].source);
		free(dirs[i].dir);
		for (size_t j = 0; j < dirs[i].n_names; j++)
			free(dirs[i].names[j].path);
		free(dirs[i].names);
	}
	free(dirs);
}

/* The directory entry for dir in dirs[0..*n), added if new; NULL when out of memory. */
static struct conf_watch_dir *dir_entry(struct conf_watch_dir **dirs, size_t *n,
					const char *dir)
{
	struct conf_watch_dir *more;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*dirs)[i].dir, dir))
			return &(*dirs)[i];
	more = realloc(*dirs, (*n + 1) * sizeof(*more));
	if (!more)
		return NULL;
	*dirs = more;
	memset(&more[*n], 0, sizeof(more[*n]));
	more[*n].dir = strdup(dir);
	if (!more[*n].dir)
		return NULL;
	return &more[(*n)++];
}

static int add_name(struct conf_watch_dir *d, const char *name, bool glob)
{
	struct conf_source *more = realloc(d->names, (d->n_names + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	d->names = more;
	more[d->n_names].path = strdup(name);
	more[d->n_names].glob = glob;
	if (!more[d->n_names].path)
		return -ENOMEM;
	d->n_names++;
	return 0;
}

/* Group cfg's sources by directory. */
static int dirs_of(const struct conf *cfg, struct conf_watch_dir **dirs, size_t *n)
{
	for (size_t i = 0; i < cfg->n_sources; i++) {
		char for_dir[PATH_MAX], for_base[PATH_MAX];
		struct conf_watch_dir *d;

		snprintf(for_dir, sizeof(for_dir), "%s", cfg->sources[i].path);
		snprintf(for_base, sizeof(for_base), "%s", cfg->sources[i].path);
		d = dir_entry(dirs, n, dirname(for_dir));
		if (!d || add_name(d, basename(for_base), cfg->sources[i].glob))
			return -ENOMEM;
	}
	return 0;
}

int conf_watch_follow(struct conf_watch *w, const struct conf *cfg)
{
	struct conf_watch_dir *dirs = NULL;
	size_t n = 0;
	int err = dirs_of(cfg, &dirs, &n);

	for (size_t i = 0; !err && i < n; i++) {
		dirs[i].owner = w;
		err = sd_event_add_inotify(w->ev, &dirs[i].source, dirs[i].dir,
					   IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE, on_change,
					   &dirs[i]);
	}
	if (err) {
		dirs_free(dirs, n);
		return err;
	}
	dirs_free(w->dirs, w->n_dirs);
	w->dirs = dirs;
	w->n_dirs = n;
	return 0;
}

void conf_watch_stop(struct conf_watch *w)
{
	dirs_free(w->dirs, w->n_dirs);
	w->dirs = NULL;
	w->n_dirs = 0;
}
