// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Health checks in the event loop: a TCP handshake, or an HTTP GET, per interval. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/addr.h"
#include "daemon/daemon.h"
#include "daemon/health.h"
#include "daemon/http_status.h"
#include "daemon/log.h"

/* Timers of checks may fire this late, so that the loop wakes once for many. */
#define CHECK_ACCURACY_USEC	1000
/*
 * Edge-triggered: sd-event dispatches one source per iteration, and each
 * epoll_wait would poll every level-triggered socket still ready again; with
 * thousands of checks answering at once that is quadratic.
 */
#define WAIT_CONNECTED	(EPOLLOUT | EPOLLET)
#define WAIT_REPLY	(EPOLLIN | EPOLLET)

static void finish(struct health_backend *b, bool passed, const char *reason);

uint64_t health_now_usec(sd_event *ev)
{
	uint64_t now = 0;

	sd_event_now(ev, CLOCK_MONOTONIC, &now);
	return now;
}

static void close_check(struct health_backend *b)
{
	/* Closed with a reset: thousands of checks a second leave no TIME_WAIT behind. */
	static const struct linger reset = { .l_onoff = 1, .l_linger = 0 };

	b->io = sd_event_source_disable_unref(b->io);
	if (b->fd >= 0) {
		setsockopt(b->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
		close(b->fd);
	}
	b->fd = -1;
	b->got = 0;
}

static socklen_t sockaddr_of(const struct health_backend *b, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (b->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(b->spec.port);
		memcpy(&s6->sin6_addr, b->addr.bytes, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(b->spec.port);
	memcpy(&s4->sin_addr, b->addr.bytes, 4);
	return sizeof(*s4);
}

static const char *errno_reason(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return "refused";
	case ECONNRESET:
		return "reset";
	case ETIMEDOUT:
		return "timeout";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	default:
		return strerror(err);
	}
}

/* The request goes out in one write: it is small and the socket buffer empty. */
static void send_request(struct health_backend *b)
{
	char req[CONF_HEALTH_PATH_LEN + 128], host[CONF_ADDR_STR_LEN];
	int len;

	conf_addr_str(&b->addr, host);
	len = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: %s%s%s\r\n"
		       "User-Agent: sluice-health\r\nConnection: close\r\n\r\n", b->spec.path,
		       b->addr.family == AF_INET6 ? "[" : "", host,
		       b->addr.family == AF_INET6 ? "]" : "");
	if (send(b->fd, req, (size_t)len, MSG_NOSIGNAL) != len) {
		finish(b, false, errno_reason(errno));
		return;
	}
	sd_event_source_set_io_events(b->io, WAIT_REPLY);
}

static void read_status(struct health_backend *b)
{
	char reason[HEALTH_REASON_LEN];
	ssize_t n;
	int code;

	n = recv(b->fd, b->reply + b->got, sizeof(b->reply) - b->got, 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n < 0) {
		finish(b, false, errno_reason(errno));
		return;
	}
	b->got += (size_t)n;
	code = http_status(b->reply, b->got);
	if (code == 0 && n > 0 && b->got < sizeof(b->reply))
		return;
	if (code <= 0) {
		finish(b, false, n ? "no HTTP status line" : "closed before a status line");
		return;
	}
	if (code == b->spec.expect) {
		finish(b, true, "");
		return;
	}
	snprintf(reason, sizeof(reason), "HTTP %d", code);
	finish(b, false, reason);
}

static int on_io(sd_event_source *s, int fd, uint32_t events, void *ud)
{
	struct health_backend *b = ud;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)s;
	(void)events;
	if (sd_event_source_get_io_events(b->io, &events) >= 0 && (events & EPOLLIN)) {
		read_status(b);
		return 0;
	}
	/* Connected, or not: the handshake's outcome. */
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		finish(b, false, errno_reason(err ? err : errno));
		return 0;
	}
	if (b->spec.check == CONF_CHECK_TCP)
		finish(b, true, "");
	else
		send_request(b);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud);

static void arm(struct health_backend *b, uint64_t at)
{
	if (b->timer) {
		sd_event_source_set_time(b->timer, at);
		sd_event_source_set_enabled(b->timer, SD_EVENT_ONESHOT);
		return;
	}
	sd_event_add_time(b->owner->ev, &b->timer, CLOCK_MONOTONIC, at, CHECK_ACCURACY_USEC,
			  on_timer, b);
}

static void start_check(struct health_backend *b)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(b, &ss);
	int err;

	b->started = health_now_usec(b->owner->ev);
	b->fd = socket(b->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (b->fd < 0) {
		finish(b, false, errno_reason(errno));
		return;
	}
	if (connect(b->fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS) {
		finish(b, false, errno_reason(errno));
		return;
	}
	err = sd_event_add_io(b->owner->ev, &b->io, b->fd, WAIT_CONNECTED, on_io, b);
	if (err < 0) {
		finish(b, false, strerror(-err));
		return;
	}
	/* The same timer ends the check if it takes longer than the timeout. */
	arm(b, b->started + b->spec.timeout_s * USEC_PER_SEC);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct health_backend *b = ud;

	(void)s;
	(void)usec;
	if (b->fd >= 0) {
		/*
		 * The loop may have been busy (an apply) while the answer came: look at
		 * the socket once more before calling it a timeout.
		 */
		struct pollfd ready = { .fd = b->fd, .events = POLLIN | POLLOUT };
		uint32_t events = 0;

		sd_event_source_get_io_events(b->io, &events);
		ready.events = events & EPOLLIN ? POLLIN : POLLOUT;
		if (poll(&ready, 1, 0) == 1)
			on_io(b->io, b->fd, (uint32_t)ready.revents, b);
		if (b->fd >= 0)
			finish(b, false, "timeout");
		return 0;
	}
	start_check(b);
	return 0;
}

static void count_failure(struct health_counts *c, const char *reason)
{
	if (!strcmp(reason, "refused") || !strcmp(reason, "reset"))
		c->refused++;
	else if (!strcmp(reason, "timeout"))
		c->timed_out++;
	else if (!strncmp(reason, "HTTP ", 5))
		c->bad_status++;
	else
		c->other++;
}

/* One check's verdict: count it, move the rise/fall counters, schedule the next. */
static void finish(struct health_backend *b, bool passed, const char *reason)
{
	char addr[CONF_ADDR_STR_LEN];
	bool was_down = b->down;

	histogram_observe(&b->owner->latency,
			  (double)(health_now_usec(b->owner->ev) - b->started) / USEC_PER_SEC);
	close_check(b);
	b->counts.checks++;
	conf_addr_str(&b->addr, addr);
	if (passed) {
		b->counts.passed++;
		b->fails = 0;
		b->passes++;
		b->reason[0] = '\0';
		if (b->down && b->passes >= b->spec.rise) {
			b->down = false;
			b->counts.went_up++;
			log_msg(LOG_NOTICE, "service %s: backend %s is up: %u checks passed",
				b->service, addr, b->passes);
		}
	} else {
		count_failure(&b->counts, reason);
		b->passes = 0;
		b->fails++;
		snprintf(b->reason, sizeof(b->reason), "%s", reason);
		if (!b->down && b->fails >= b->spec.fall) {
			b->down = true;
			b->counts.went_down++;
			log_msg(LOG_WARNING, "service %s: backend %s is down: %u checks failed, "
				"the last %s", b->service, addr, b->fails, reason);
		}
	}
	arm(b, b->started + b->spec.interval_s * USEC_PER_SEC);
	if (b->down != was_down && b->owner->changed)
		b->owner->changed(b->owner->ctx);
}

/* Upper bounds, in seconds, of the check latency histogram: LAN to a timeout. */
static const double latency_bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
};

/* The state a backend of the new config starts in. */
static void carry_over(struct health_backend *b, const struct health *was, bool down_at_start)
{
	size_t i;

	b->down = down_at_start;
	for (i = 0; was && i < was->n; i++) {
		const struct health_backend *o = &was->backends[i];

		if (strcmp(o->service, b->service) || !conf_addr_equal(&o->addr, &b->addr))
			continue;
		b->down = o->down;
		b->passes = o->passes;
		b->fails = o->fails;
		b->counts = o->counts;
		memcpy(b->reason, o->reason, sizeof(b->reason));
		return;
	}
}

int health_start(struct health *h, sd_event *ev, const struct conf *cfg,
		 const struct health *was, const bool *down_at_start,
		 void (*changed)(void *ctx), void *ctx)
{
	size_t i, j, k = 0, n = conf_backend_count(cfg);
	uint64_t now = health_now_usec(ev);

	memset(h, 0, sizeof(*h));
	if (was)
		h->latency = was->latency;
	else
		histogram_init(&h->latency, latency_bounds,
			       sizeof(latency_bounds) / sizeof(latency_bounds[0]));
	h->ev = ev;
	h->changed = changed;
	h->ctx = ctx;
	h->backends = calloc(n + 1, sizeof(*h->backends));
	if (!h->backends)
		return -ENOMEM;
	h->n = n;
	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];

		for (j = 0; j < svc->n_backends; j++, k++) {
			struct health_backend *b = &h->backends[k];

			b->owner = h;
			b->fd = -1;
			snprintf(b->service, sizeof(b->service), "%s", svc->name);
			b->addr = svc->backends[j].addr;
			b->spec = svc->health;
			if (svc->health.check == CONF_CHECK_NONE)
				continue;
			carry_over(b, was, down_at_start && down_at_start[k]);
			/*
			 * Spread the first checks over one interval, so that a thousand
			 * backends are not all checked in the same millisecond.
			 */
			arm(b, now + (uint64_t)k * svc->health.interval_s * USEC_PER_SEC /
			    (n ? n : 1));
			if (!b->timer) {
				health_stop(h);
				return -ENOMEM;
			}
		}
	}
	return 0;
}

void health_stop(struct health *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		close_check(&h->backends[i]);
		h->backends[i].timer = sd_event_source_disable_unref(h->backends[i].timer);
	}
	free(h->backends);
	memset(h, 0, sizeof(*h));
}
