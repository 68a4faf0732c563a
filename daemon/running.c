// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The running config: first apply, reloads, re-applies when health or neighbours move. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>

#include "conf/addr.h"
#include "daemon/adopt.h"
#include "daemon/log.h"
#include "daemon/fates.h"
#include "daemon/running.h"
#include "kernel/watch.h"
#include "plan/apply.h"
#include "plan/commit.h"

/* The state file is written on every change, and this often besides (counts). */
#define STATE_EVERY_TICKS	5
/* Announced routes are checked against the table this often besides every change. */
#define ANNOUNCE_EVERY_TICKS	10

static void write_state(struct running *r)
{
	struct daemon_report rep = {
		.ifname = r->ifname, .cfg_path = r->cfg_path, .loaded_at = r->loaded_at,
		.last = r->last, .health = r->health, .waiting = r->waiting,
		.announce = &r->announce,
	};
	int err = state_file_write(&rep);

	if (err)
		log_msg(LOG_WARNING, "cannot write the state file under %s: %s",
			STATE_FILE_DIR, strerror(-err));
}

void running_write_state(struct running *r)
{
	write_state(r);
}

static void notify_status(const struct running *r)
{
	size_t i, down = 0, unresolved = 0;

	for (i = 0; i < r->health->n; i++) {
		down += r->health->backends[i].down;
		unresolved += r->waiting[i].waiting;
	}
	sd_notifyf(0, "STATUS=%s: %zu services, %zu backends (%zu down, %zu unresolved); "
		   "last reload %s", r->ifname, r->cfg.n_services, r->health->n, down,
		   unresolved, r->last.applied ? "applied" : "refused");
}

/* why: what the change log calls the apply. */
static enum apply_result apply_locked(struct running *r, const struct conf *cfg,
				      struct health *h, struct neigh_wait *waiting,
				      const char *why, bool locked)
{
	enum backend_fate *fate = calloc(conf_backend_count(cfg) + 1, sizeof(*fate));
	struct apply_opts opts = { .fate = fate, .waiting = waiting, .why = why,
				   .locked = locked };
	enum apply_result res;

	if (!fate)
		return APPLY_FAILED;
	health_fates(cfg, h, health_now_usec(r->ev), fate);
	res = apply_config(r->ifname, r->cfg_path, cfg, &opts);
	free(fate);
	return res;
}

static enum apply_result apply_with(struct running *r, const struct conf *cfg,
				    struct health *h, struct neigh_wait *waiting,
				    const char *why)
{
	return apply_locked(r, cfg, h, waiting, why, false);
}

static int on_reapply(sd_event_source *s, void *ud)
{
	struct running *r = ud;

	(void)s;
	r->reapply = sd_event_source_disable_unref(r->reapply);
	if (apply_with(r, &r->cfg, r->health, r->waiting, "run: health or neighbours") ==
	    APPLY_DONE) {
		r->applies_done++;
	} else {
		r->applies_refused++;
		log_msg(LOG_ERR, "%s: the backends' new states were not applied; the next "
			"change tries again", r->ifname);
	}
	announce_sync(&r->announce, &r->cfg, r->health, r->waiting);
	write_state(r);
	notify_status(r);
	return 0;
}

/* Once the loop is done with what it is handling: several changes, one apply. */
static void reapply_soon(struct running *r)
{
	if (!r->reapply)
		sd_event_add_defer(r->ev, &r->reapply, on_reapply, r);
}

void running_reapply(struct running *r)
{
	reapply_soon(r);
}

static void on_health_changed(void *ctx)
{
	reapply_soon(ctx);
}

/*
 * A backend left out for want of a MAC (or of its next hop's) is back as soon as
 * that neighbour answers: the neighbour engine reports every change of the table.
 */
static void on_neigh(void *ctx, int ifindex, const struct conf_addr *addr, bool usable)
{
	struct running *r = ctx;
	size_t i, n = r->health->n;

	if (!usable)
		return;
	for (i = 0; i < n; i++)
		if (r->waiting[i].waiting && r->waiting[i].ifindex == ifindex &&
		    conf_addr_equal(&r->waiting[i].hop, addr))
			reapply_soon(r);
}

void running_tick(struct running *r)
{
	size_t i, n = r->health->n;

	/*
	 * A `sluice apply` killed inside its commit left its journal, and packets meet
	 * part of its writes until a command finishes them: the daemon is that command,
	 * within a second. It waits for an apply that is still running.
	 */
	if (commit_recover(r->ifname) == COMMIT_FINISHED)
		log_msg(LOG_WARNING, "%s: an interrupted apply was finished from its journal",
			r->ifname);

	for (i = 0; i < n; i++) {
		const struct neigh_wait *w = &r->waiting[i];

		if (!w->waiting)
			continue;
		if (watch_neigh_usable(r->watch, w->ifindex, &w->hop))
			reapply_soon(r);
		else
			watch_probe(r->watch, w->ifindex, &w->hop);
	}
	if (health_grace_ended(r->health, health_now_usec(r->ev)))
		reapply_soon(r);
	if (++r->ticks % ANNOUNCE_EVERY_TICKS == 0)
		announce_sync(&r->announce, &r->cfg, r->health, r->waiting);
	if (r->ticks % STATE_EVERY_TICKS == 0)
		write_state(r);
	tamper_tick(r);
}

int running_load_first(struct running *r, const struct daemon_opts *o)
{
	char err[CONF_ERR_LEN];

	memset(r, 0, sizeof(*r));
	r->ifname = o->ifname;
	r->cfg_path = o->cfg_path;
	if (conf_load_file(o->cfg_path, &r->cfg, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		return 2;
	}
	return 0;
}

static void record(struct running *r, bool applied, const char *error)
{
	r->last.at = time(NULL);
	r->last.applied = applied;
	if (applied)
		r->applies_done++;
	else
		r->applies_refused++;
	/* Only a reload is refused and recorded: a failed first apply ends the daemon. */
	if (!applied)
		r->reloads_refused++;
	snprintf(r->last.error, sizeof(r->last.error), "%s", applied ? "" : error);
	if (applied)
		r->loaded_at = r->last.at;
}

int running_start(struct running *r, sd_event *ev)
{
	size_t n = conf_backend_count(&r->cfg);
	enum apply_result res;
	bool *down;
	int err;

	r->ev = ev;
	down = calloc(n + 1, sizeof(*down));
	r->waiting = calloc(n + 1, sizeof(*r->waiting));
	r->health = calloc(1, sizeof(*r->health));
	if (!down || !r->waiting || !r->health) {
		free(down);
		return 1;
	}
	err = adopt_down_backends(r->ifname, &r->cfg, down);
	err = err ?: health_start(r->health, ev, &r->cfg, NULL, down, on_health_changed, r);
	free(down);
	if (err) {
		log_msg(LOG_ERR, "%s: cannot start: %s", r->ifname, strerror(-err));
		return 1;
	}
	res = apply_locked(r, &r->cfg, r->health, r->waiting, "run: start", true);
	if (res != APPLY_DONE) {
		log_msg(LOG_ERR, "%s: %s was not applied", r->ifname, r->cfg_path);
		return res == APPLY_REFUSED ? 2 : 1;
	}
	record(r, true, NULL);
	return 0;
}

int running_follow(struct running *r)
{
	struct watch_hooks hooks = { .neigh_seen = on_neigh, .ctx = r };

	/* The data plane serves the VIPs now: they may attract traffic. */
	announce_sync(&r->announce, &r->cfg, r->health, r->waiting);
	return watch_open(r->ifname, false, &hooks, &r->watch) ? 1 : 0;
}

void running_ready(struct running *r)
{
	log_msg(LOG_NOTICE, "%s: running %s", r->ifname, r->cfg_path);
	write_state(r);
	sd_notify(0, "READY=1");
	notify_status(r);
}

void running_reload(struct running *r, const char *why)
{
	char err[CONF_ERR_LEN];
	struct health *health;
	struct neigh_wait *waiting;
	struct conf next;
	int err_no;
	size_t n;

	log_msg(LOG_INFO, "%s: reloading %s (%s)", r->ifname, r->cfg_path, why);
	if (conf_load_file(r->cfg_path, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s; refused, the running config stays", err);
		record(r, false, err);
		goto out;
	}
	n = conf_backend_count(&next);
	health = calloc(1, sizeof(*health));
	waiting = calloc(n + 1, sizeof(*waiting));
	if (!health || !waiting ||
	    health_start(health, r->ev, &next, r->health, NULL, on_health_changed, r)) {
		free(health);
		free(waiting);
		conf_free(&next);
		log_msg(LOG_ERR, "%s: out of memory; the running config stays", r->ifname);
		record(r, false, "out of memory");
		goto out;
	}
	/* Services it drops stop attracting traffic before they go. */
	announce_prepare(&r->announce, &next);
	if (apply_with(r, &next, health, waiting, "run: reload") != APPLY_DONE) {
		announce_sync(&r->announce, &r->cfg, r->health, r->waiting);
		health_stop(health);
		free(health);
		free(waiting);
		conf_free(&next);
		log_msg(LOG_ERR, "%s: %s was refused at apply (see above); the running "
			"config stays", r->ifname, r->cfg_path);
		record(r, false, "refused at apply; see the daemon's log");
		goto out;
	}
	health_stop(r->health);
	free(r->health);
	free(r->waiting);
	conf_free(&r->cfg);
	r->cfg = next;
	r->health = health;
	r->waiting = waiting;
	record(r, true, NULL);
	r->reloads_done++;
	announce_sync(&r->announce, &r->cfg, r->health, r->waiting);
	log_msg(LOG_NOTICE, "%s: %s applied", r->ifname, r->cfg_path);
	err_no = conf_watch_follow(&r->files, &r->cfg);
	if (err_no < 0)
		log_msg(LOG_WARNING, "%s: cannot watch the files %s now includes (%s); "
			"send SIGHUP after changing them", r->ifname, r->cfg_path,
			strerror(-err_no));
	scrape_follow(&r->scrape);
out:
	write_state(r);
	notify_status(r);
}

static void on_file_changed(void *ud, const char *path)
{
	char why[PATH_MAX + 16];

	snprintf(why, sizeof(why), "%s changed", path);
	running_reload(ud, why);
}

int running_watch_file(struct running *r)
{
	r->files.ev = r->ev;
	r->files.changed = on_file_changed;
	r->files.ud = r;
	return conf_watch_follow(&r->files, &r->cfg);
}

void running_free(struct running *r)
{
	if (r->health) {
		health_stop(r->health);
		free(r->health);
	}
	r->reapply = sd_event_source_disable_unref(r->reapply);
	scrape_stop(&r->scrape);
	r->drain = sd_event_source_disable_unref(r->drain);
	/* Whatever ended the loop, the routes go: SIGKILL alone leaves them. */
	announce_free(&r->announce);
	watch_close(r->watch);
	conf_watch_stop(&r->files);
	free(r->waiting);
	conf_free(&r->cfg);
	if (r->ev)
		state_file_remove(r->ifname);
	memset(r, 0, sizeof(*r));
}
