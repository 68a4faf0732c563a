// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The daemon's start, its event loop and its stop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "daemon/adopt.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/running.h"
#include "daemon/scrape.h"
#include "daemon/stop.h"
#include "kernel/counters.h"
#include "kernel/intent.h"
#include "kernel/maps.h"
#include "kernel/journal.h"
#include "kernel/pin.h"
#include "kernel/watch.h"
#include "kernel/xdp_link.h"
#include "plan/commit.h"
#include "plan/plan.h"

static int on_stop(sd_event_source *s, const struct signalfd_siginfo *si, void *ud)
{
	return daemon_stop(ud, sd_event_source_get_event(s), si->ssi_signo);
}

static int on_hup(sd_event_source *s, const struct signalfd_siginfo *si, void *ud)
{
	(void)s;
	(void)si;
	running_reload(ud, "SIGHUP");
	return 0;
}

static int on_watch_io(sd_event_source *s, int fd, uint32_t events, void *ud)
{
	struct running *r = ud;

	(void)fd;
	(void)events;
	if (watch_readable(r->watch))
		return sd_event_exit(sd_event_source_get_event(s), 1);
	return 0;
}

static int on_refresh(sd_event_source *s, uint64_t usec, void *ud)
{
	struct running *r = ud;
	int err = watch_refresh(r->watch);

	if (err) {
		log_msg(LOG_ERR, "%s: %s; the daemon stops", r->ifname, err == WATCH_DETACHED ?
			"sluice was detached by someone else" : "cannot read the live backends");
		return sd_event_exit(sd_event_source_get_event(s), 1);
	}
	running_tick(r);
	sd_event_source_set_time(s, usec + WATCH_REFRESH_MS * USEC_PER_MSEC);
	return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

/*
 * Attach if nothing runs, else adopt what runs: no detach, no map reset. Whichever
 * it did, *lock_fd is the attach lock, held until the first apply has ended: a
 * `sluice attach` at the same moment waits, then adopts. An attach is marked as
 * under way (kernel/intent.h) until that apply is whole, so that a daemon killed
 * in between leaves nothing the next command does not remove.
 */
static int attach_or_adopt(const struct daemon_opts *o, const struct conf *cfg, bool *attached,
			   int *lock_fd)
{
	int ifindex = (int)if_nametoindex(o->ifname), err, ret = 1;
	struct attached at;

	*attached = false;
	if (!ifindex) {
		log_msg(LOG_ERR, "no interface %s", o->ifname);
		return 1;
	}
	*lock_fd = pin_make_locked(o->ifname);
	if (*lock_fd < 0)
		return 1;
	/* What a killed apply or attach left is finished or removed first. */
	if (commit_recover_locked(o->ifname, true) < 0) {
		log_msg(LOG_ERR, "%s: what an interrupted sluice left cannot be put right",
			o->ifname);
	} else if ((err = xdp_link_find(ifindex, &at))) {
		log_msg(LOG_ERR, "%s: cannot read its XDP programs: %s", o->ifname, strerror(-err));
	} else if (at.present && maps_pinned(o->ifname)) {
		log_msg(LOG_INFO, "%s: adopting the running program %u (%s mode)", o->ifname,
			at.prog_id, xdp_link_mode_name(at.mode));
		ret = 0;
	} else if (at.present) {
		log_msg(LOG_ERR, "%s: sluice's program %u is attached but its pinned state is "
			"gone; `sluice detach %s` removes the program, then run again", o->ifname,
			at.prog_id, o->ifname);
	} else if ((err = intent_mark_attach(o->ifname))) {
		log_msg(LOG_ERR, "%s: cannot mark the attach: %s", o->ifname, strerror(-err));
	} else if (!xdp_link_attach_pinned(o->ifname, ifindex, o->mode,
					   plan_flow_entries(cfg), &at)) {
		*attached = true;
		log_msg(LOG_INFO, "%s: attached program %u (%s mode)", o->ifname, at.prog_id,
			xdp_link_mode_name(at.mode));
		journal_change(&(struct change){ .action = "run: attach", .ifname = o->ifname,
			       .summary = "program attached" });
		ret = 0;
	} else {
		/* The attach failed after its mark: whatever it made goes now. */
		commit_recover_locked(o->ifname, true);
	}
	if (ret) {
		close(*lock_fd);
		*lock_fd = -1;
	}
	return ret;
}

/* Under the attach lock: the attach of this start, its config not applied. */
static void undo_attach(const char *ifname)
{
	xdp_link_detach((int)if_nametoindex(ifname));
	pin_remove_all(ifname);
	log_msg(LOG_ERR, "%s: detached again: nothing was running before", ifname);
	journal_change(&(struct change){ .action = "run: detach", .ifname = ifname,
		       .summary = "attach undone: the config was not applied" });
}

/* Everything the loop waits on. */
static int add_sources(sd_event *ev, struct running *r)
{
	sigset_t mask;
	int err;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	err = sd_event_add_signal(ev, NULL, SIGTERM, on_stop, r);
	err = err < 0 ? err : sd_event_add_signal(ev, NULL, SIGINT, on_stop, r);
	err = err < 0 ? err : sd_event_add_signal(ev, NULL, SIGHUP, on_hup, r);
	err = err < 0 ? err : sd_event_add_io(ev, NULL, watch_fd(r->watch), EPOLLIN,
					      on_watch_io, r);
	err = err < 0 ? err : sd_event_add_time_relative(ev, NULL, CLOCK_MONOTONIC,
							 WATCH_REFRESH_MS * USEC_PER_MSEC,
							 10 * USEC_PER_MSEC, on_refresh, r);
	err = err < 0 ? err : running_watch_file(r);
	/* Pets systemd's watchdog at half its period when WATCHDOG_USEC asks for it. */
	err = err < 0 ? err : sd_event_set_watchdog(ev, 1);
	return err < 0 ? err : 0;
}

int daemon_run(const struct daemon_opts *o)
{
	int ret, err, run_time_fd = -1, lock_fd = -1;
	struct running r;
	sd_event *ev = NULL;
	bool attached;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = running_load_first(&r, o);
	if (ret)
		return ret;
	ret = attach_or_adopt(o, &r.cfg, &attached, &lock_fd);
	if (ret)
		goto out;
	err = sd_event_default(&ev);
	if (err < 0)
		log_msg(LOG_ERR, "cannot make the event loop: %s", strerror(-err));
	ret = err < 0 ? 1 : running_start(&r, ev);
	if (attached && (ret || intent_unmark_attach(o->ifname))) {
		undo_attach(o->ifname);
		ret = ret ?: 1;
	}
	close(lock_fd);
	if (ret || (ret = running_follow(&r)))
		goto out;
	err = add_sources(ev, &r);
	/* Scrapes are served in this loop too: no thread, nothing shared. */
	if (err >= 0)
		err = scrape_start(&r.scrape, &r, ev);
	if (err < 0) {
		log_msg(LOG_ERR, "cannot set up the event loop: %s", strerror(-err));
		ret = 1;
		goto out;
	}
	/* While the daemon runs, the kernel measures the program's run time. */
	run_time_fd = counters_enable_run_time();
	if (run_time_fd < 0)
		log_msg(LOG_WARNING, "the program's run time stays unmeasured: %s",
			strerror(-run_time_fd));
	running_ready(&r);
	err = sd_event_loop(ev);
	ret = err < 0 ? 1 : err;
out:
	if (run_time_fd >= 0)
		close(run_time_fd);
	running_free(&r);
	sd_event_unref(ev);
	return ret;
}
