/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Health checks of the backends of every service with a `health:` section, run in
 * the daemon's event loop: one non-blocking socket per check in flight, one timer
 * per backend, no thread. A backend goes down after `fall` failures in a row and up
 * again after `rise` passes; until its first verdict it stays as it was.
 */
#ifndef SLUICE_DAEMON_HEALTH_H
#define SLUICE_DAEMON_HEALTH_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "conf/config.h"
#include "metrics/histogram.h"

#define HEALTH_REASON_LEN	64

/* What the checks of one backend have seen, since the daemon started. */
struct health_counts {
	uint64_t checks;	/* finished, passed or failed */
	uint64_t passed;
	uint64_t refused;	/* connection refused or reset */
	uint64_t timed_out;
	uint64_t bad_status;	/* http: answered, with another status than `expect` */
	uint64_t other;		/* unreachable, a reply that is no HTTP, ... */
	uint64_t went_down;
	uint64_t went_up;
};

/* One backend of the config (file order) and its checks. */
struct health_backend {
	char service[CONF_NAME_LEN];
	struct conf_addr addr;
	struct conf_health spec;	/* the service's; check NONE: never checked */
	bool down;
	/*
	 * Down while every backend of its service was: it kept taking flows then, so
	 * when a sibling comes up first its established flows stay (it drains) rather
	 * than move; cleared once it is up again.
	 */
	bool down_with_all;
	/* CLOCK_MONOTONIC usec until which such a backend stays in the table; 0: unset. */
	uint64_t kept_until;
	uint32_t passes, fails;		/* in a row */
	char reason[HEALTH_REASON_LEN];	/* of the last failure, "" while passing */
	struct health_counts counts;
	/* The check in flight, if any. */
	int fd;
	uint64_t started;		/* CLOCK_MONOTONIC usec when it began */
	sd_event_source *io, *timer;
	size_t got;
	char reply[128];
	struct health *owner;
};

struct health {
	sd_event *ev;
	size_t n;
	struct histogram latency;	/* seconds a finished check took, every backend */
	struct health_backend *backends;	/* conf_backend_count(cfg) of them */
	/* Called after a backend went up or down (from within the loop). */
	void (*changed)(void *ctx);
	void *ctx;
};

/*
 * Start checking cfg's backends. was, when not NULL, is the health of the config
 * before (a reload): backends it also had (same service name and address) keep
 * their state and counts. down_at_start[i], when not NULL, marks backends that are
 * down before any check (what the running data plane says after a restart).
 * Returns 0 or -errno.
 */
int health_start(struct health *h, sd_event *ev, const struct conf *cfg,
		 const struct health *was, const bool *down_at_start,
		 void (*changed)(void *ctx), void *ctx);

/* Stop every check and free what health_start took. */
void health_stop(struct health *h);

/* The loop's CLOCK_MONOTONIC time in usec, as checks and fates count it. */
uint64_t health_now_usec(sd_event *ev);

#endif /* SLUICE_DAEMON_HEALTH_H */
