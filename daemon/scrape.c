// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The daemon's /metrics: the data plane's counters and the daemon's own families. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/addr.h"
#include "conf/listen.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/running.h"
#include "daemon/scrape.h"
#include "kernel/maps.h"
#include "metrics/render.h"
#include "metrics/server.h"

static const char *const check_results[] = {
	"passed", "refused", "timed_out", "bad_status", "other",
};

/* sluice_backend_up and the checks behind it, one sample per checked backend. */
static void health_families(FILE *out, const struct running *r)
{
	const struct health *h = r->health;
	char addr[CONF_ADDR_STR_LEN];
	size_t i, k;

	prom_family(out, "sluice_backend_up", "gauge",
		    "1 while the backend passes its health checks, 0 while it is down");
	for (i = 0; i < h->n; i++) {
		const struct health_backend *b = &h->backends[i];
		struct prom_label l[] = { { "interface", r->ifname },
					  { "service", b->service },
					  { "backend", conf_addr_str(&b->addr, addr) } };

		if (b->spec.check != CONF_CHECK_NONE)
			prom_count(out, "sluice_backend_up", l, 3, !b->down);
	}
	prom_family(out, "sluice_backend_unresolved", "gauge",
		    "1 while the backend is left out because its neighbour (or next hop) has "
		    "not answered ARP/NDP, 0 otherwise");
	for (i = 0; i < h->n; i++) {
		const struct health_backend *b = &h->backends[i];
		struct prom_label l[] = { { "interface", r->ifname },
					  { "service", b->service },
					  { "backend", conf_addr_str(&b->addr, addr) } };

		prom_count(out, "sluice_backend_unresolved", l, 3, r->waiting[i].waiting);
	}
	prom_family(out, "sluice_health_checks_total", "counter",
		    "Health checks finished, by result");
	for (i = 0; i < h->n; i++) {
		const struct health_backend *b = &h->backends[i];
		const uint64_t counts[] = { b->counts.passed, b->counts.refused,
					    b->counts.timed_out, b->counts.bad_status,
					    b->counts.other };

		if (b->spec.check == CONF_CHECK_NONE)
			continue;
		for (k = 0; k < sizeof(check_results) / sizeof(check_results[0]); k++) {
			struct prom_label l[] = { { "interface", r->ifname },
						  { "service", b->service },
						  { "backend", conf_addr_str(&b->addr, addr) },
						  { "result", check_results[k] } };

			prom_count(out, "sluice_health_checks_total", l, 4, counts[k]);
		}
	}
	prom_family(out, "sluice_health_check_duration_seconds", "histogram",
		    "How long finished health checks took");
	histogram_write(out, "sluice_health_check_duration_seconds",
			(struct prom_label[]){ { "interface", r->ifname } }, 1, &h->latency);
}

/* A counter with an `applied` and a `refused` sample. */
static void by_result(FILE *out, const char *ifname, const char *name, const char *help,
		      uint64_t applied, uint64_t refused)
{
	struct prom_label done[] = { { "interface", ifname }, { "result", "applied" } };
	struct prom_label not[] = { { "interface", ifname }, { "result", "refused" } };

	prom_family(out, name, "counter", help);
	prom_count(out, name, done, 2, applied);
	prom_count(out, name, not, 2, refused);
}

static void daemon_families(FILE *out, void *ctx)
{
	const struct scrape *s = ctx;
	const struct running *r = s->r;
	struct prom_label l[] = { { "interface", r->ifname } };

	by_result(out, r->ifname, "sluice_applies_total",
		  "Configs the daemon applied (first apply, reloads, health and neighbour "
		  "changes) or refused, keeping what ran", r->applies_done, r->applies_refused);
	by_result(out, r->ifname, "sluice_reloads_total",
		  "Reloads of the config file (SIGHUP, the file written or replaced), "
		  "applied or refused", r->reloads_done, r->reloads_refused);
	prom_family(out, "sluice_config_loaded_timestamp_seconds", "gauge",
		    "When the running config was applied, in seconds since the epoch");
	prom_count(out, "sluice_config_loaded_timestamp_seconds", l, 1, (uint64_t)r->loaded_at);
	prom_family(out, "sluice_metrics_listen_failures_total", "counter",
		    "Metrics listen addresses a reload asked for that could not be bound "
		    "(the server stayed where it was)");
	prom_count(out, "sluice_metrics_listen_failures_total", l, 1, s->listen_failures);
	if (r->health)
		health_families(out, r);
	tamper_families(out, r);
}

/* Every scrape reads the maps afresh: what an apply changed meanwhile shows. */
static int render_scrape(FILE *out, void *ctx)
{
	struct scrape *s = ctx;
	struct metrics_extra extra = { .render = daemon_families, .ctx = s };
	struct sluice_maps maps;
	int err = maps_open(s->r->ifname, &maps);

	if (!err) {
		err = metrics_render_now(out, s->r->ifname, &maps, &extra);
		maps_close(&maps);
	}
	if (err)
		log_msg(LOG_WARNING, "a scrape could not read the counters: %s",
			strerror(err < 0 ? -err : EIO));
	return err ? -1 : 0;
}

static int on_server(sd_event_source *src, int fd, uint32_t events, void *ud)
{
	struct scrape *s = ud;

	(void)src;
	(void)fd;
	(void)events;
	metrics_server_run(s->server);
	return 0;
}

/* MHD's own timeouts (idle connections) need a turn even without input. */
static int on_server_time(sd_event_source *src, uint64_t usec, void *ud)
{
	struct scrape *s = ud;
	int ms = metrics_server_timeout_ms(s->server);

	metrics_server_run(s->server);
	sd_event_source_set_time(src, usec + (ms < 0 ? 1000 : ms) * USEC_PER_MSEC);
	return sd_event_source_set_enabled(src, SD_EVENT_ON);
}

static void let_go(struct scrape *s)
{
	s->io = sd_event_source_disable_unref(s->io);
	s->timer = sd_event_source_disable_unref(s->timer);
	metrics_server_stop(s->server);
	s->server = NULL;
}

/* Listen on addr instead of wherever s listened; s is unchanged on failure. */
static int serve_at(struct scrape *s, const struct conf_listen *addr)
{
	char why[256], text[CONF_LISTEN_STR_LEN];
	sd_event_source *io = NULL, *timer = NULL;
	struct metrics_server *server;
	int err;

	server = metrics_server_start(addr, render_scrape, s, why, sizeof(why));
	if (!server) {
		log_msg(LOG_ERR, "metrics: %s", why);
		return -EADDRNOTAVAIL;
	}
	err = sd_event_add_io(s->ev, &io, metrics_server_fd(server), EPOLLIN, on_server, s);
	if (err >= 0)
		err = sd_event_add_time_relative(s->ev, &timer, CLOCK_MONOTONIC, USEC_PER_SEC,
						 10 * USEC_PER_MSEC, on_server_time, s);
	if (err < 0) {
		sd_event_source_disable_unref(io);
		metrics_server_stop(server);
		log_msg(LOG_ERR, "metrics: cannot join the event loop: %s", strerror(-err));
		return err;
	}
	let_go(s);
	s->server = server;
	s->io = io;
	s->timer = timer;
	s->served = *addr;
	log_msg(LOG_INFO, "serving metrics at http://%s/metrics", conf_listen_str(addr, text));
	return 0;
}

int scrape_start(struct scrape *s, struct running *r, sd_event *ev)
{
	memset(s, 0, sizeof(*s));
	s->r = r;
	s->ev = ev;
	return r->cfg.metrics.listen_set ? serve_at(s, &r->cfg.metrics.listen) : 0;
}

void scrape_follow(struct scrape *s)
{
	const struct conf_metrics *want = &s->r->cfg.metrics;
	char text[CONF_LISTEN_STR_LEN];

	if (!want->listen_set) {
		if (s->server)
			log_msg(LOG_INFO, "metrics: no longer served (no metrics section)");
		let_go(s);
		return;
	}
	if (s->server && want->listen.port == s->served.port &&
	    conf_addr_equal(&want->listen.addr, &s->served.addr))
		return;
	if (!serve_at(s, &want->listen))
		return;
	/* Maybe the old socket holds the port (127.0.0.1:P -> 0.0.0.0:P): without it. */
	if (s->server) {
		struct conf_listen old = s->served;

		let_go(s);
		if (!serve_at(s, &want->listen))
			return;
		serve_at(s, &old);
	}
	s->listen_failures++;
	if (s->server)
		log_msg(LOG_WARNING, "metrics: still served at http://%s/metrics",
			conf_listen_str(&s->served, text));
	else
		log_msg(LOG_ERR, "metrics: served nowhere until a reload names an address "
			"that can be bound");
}

void scrape_stop(struct scrape *s)
{
	let_go(s);
}
