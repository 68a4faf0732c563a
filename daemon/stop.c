// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The graceful stop: withdraw, drain, exit; the data plane stays attached. */
#include <systemd/sd-daemon.h>

#include "daemon/announce.h"
#include "daemon/log.h"
#include "daemon/stop.h"

static int on_drained(sd_event_source *s, uint64_t usec, void *ud)
{
	struct running *r = ud;

	(void)usec;
	log_msg(LOG_NOTICE, "%s: drain over; stopping, the data plane stays attached",
		r->ifname);
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

int daemon_stop(struct running *r, sd_event *ev, unsigned int signo)
{
	uint32_t drain = r->cfg.announce.drain_s;

	sd_notify(0, "STOPPING=1");
	if (r->drain || !announce_stop(&r->announce) || !drain) {
		log_msg(LOG_NOTICE, "%s: signal %u: stopping; the data plane stays attached",
			r->ifname, signo);
		return sd_event_exit(ev, 0);
	}
	log_msg(LOG_NOTICE, "%s: signal %u: VIPs withdrawn; forwarding %u s more while the "
		"routers move away (another signal stops at once)", r->ifname, signo, drain);
	sd_notifyf(0, "STATUS=%s: VIPs withdrawn, draining for %u s", r->ifname, drain);
	running_write_state(r);
	return sd_event_add_time_relative(ev, &r->drain, CLOCK_MONOTONIC,
					  (uint64_t)drain * USEC_PER_SEC, 0, on_drained, r);
}
