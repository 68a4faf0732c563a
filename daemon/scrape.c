// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The daemon's /metrics: the data plane's counters and the daemon's own families. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/addr.h"
#include "conf/listen.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/running.h"
#include "daemon/scrape.h"
#include "kernel/counters.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "metrics/render.h"
#include "metrics/server.h"

/* sluice_backend_up and the checks behind it, one sample per checked backend. */
static void health_families(FILE *out, const struct running *r)
{
	static const char *const results[] = {
		"passed", "refused", "timed_out", "bad_status", "other",
	};
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
	prom_family(out, "sluice_health_checks_total", "counter",
		    "Health checks finished, by result");
	for (i = 0; i < h->n; i++) {
		const struct health_backend *b = &h->backends[i];
		const uint64_t counts[] = { b->counts.passed, b->counts.refused,
					    b->counts.timed_out, b->counts.bad_status,
					    b->counts.other };

		if (b->spec.check == CONF_CHECK_NONE)
			continue;
		for (k = 0; k < sizeof(results) / sizeof(results[0]); k++) {
			struct prom_label l[] = { { "interface", r->ifname },
						  { "service", b->service },
						  { "backend", conf_addr_str(&b->addr, addr) },
						  { "result", results[k] } };

			prom_count(out, "sluice_health_checks_total", l, 4, counts[k]);
		}
	}
	prom_family(out, "sluice_health_check_duration_seconds", "histogram",
		    "How long finished health checks took");
	histogram_write(out, "sluice_health_check_duration_seconds",
			(struct prom_label[]){ { "interface", r->ifname } }, 1, &h->latency);
}

static void daemon_families(FILE *out, void *ctx)
{
	const struct running *r = ctx;
	struct prom_label done[] = { { "interface", r->ifname }, { "result", "applied" } };
	struct prom_label refused[] = { { "interface", r->ifname }, { "result", "refused" } };

	prom_family(out, "sluice_applies_total", "counter",
		    "Configs the daemon applied (first apply, reloads, health and neighbour "
		    "changes) or refused, keeping what ran");
	prom_count(out, "sluice_applies_total", done, 2, r->applies_done);
	prom_count(out, "sluice_applies_total", refused, 2, r->applies_refused);
	prom_family(out, "sluice_config_loaded_timestamp_seconds", "gauge",
		    "When the running config was applied, in seconds since the epoch");
	prom_count(out, "sluice_config_loaded_timestamp_seconds", done, 1,
		   (uint64_t)r->loaded_at);
	if (r->health)
		health_families(out, r);
	tamper_families(out, r);
}

/* Every scrape reads the maps afresh: what an apply changed meanwhile shows. */
static int render_scrape(FILE *out, void *ctx)
{
	struct running *r = ctx;
	struct metrics_extra extra = { .render = daemon_families, .ctx = r };
	struct counters_snapshot *snap = calloc(1, sizeof(*snap));
	struct metrics_source src = { .ifname = r->ifname, .snap = snap };
	struct live_state *live = NULL;
	struct sluice_maps maps;
	int err = snap ? maps_open(r->ifname, &maps) : -ENOMEM;

	if (err) {
		free(snap);
		return -1;
	}
	err = live_read(&maps, &live);
	if (!err)
		err = counters_read(&maps, live, (int)if_nametoindex(r->ifname), true, snap);
	if (!err) {
		src.live = live;
		metrics_render(out, &src, 1, &extra);
	} else {
		log_msg(LOG_WARNING, "a scrape could not read the counters: %s",
			strerror(err < 0 ? -err : EIO));
	}
	free(live);
	free(snap);
	maps_close(&maps);
	return err ? -1 : 0;
}

static int on_server(sd_event_source *s, int fd, uint32_t events, void *ud)
{
	(void)s;
	(void)fd;
	(void)events;
	metrics_server_run(ud);
	return 0;
}

/* MHD's own timeouts (idle connections) need a turn even without input. */
static int on_server_time(sd_event_source *s, uint64_t usec, void *ud)
{
	int ms = metrics_server_timeout_ms(ud);

	metrics_server_run(ud);
	sd_event_source_set_time(s, usec + (ms < 0 ? 1000 : ms) * USEC_PER_MSEC);
	return sd_event_source_set_enabled(s, SD_EVENT_ON);
}

int scrape_serve(struct running *r, sd_event *ev, struct metrics_server **out)
{
	char why[256], text[CONF_LISTEN_STR_LEN];
	struct metrics_server *server;
	int err;

	*out = NULL;
	if (!r->cfg.metrics.listen_set)
		return 0;
	server = metrics_server_start(&r->cfg.metrics.listen, render_scrape, r, why,
				      sizeof(why));
	if (!server) {
		log_msg(LOG_ERR, "metrics: %s", why);
		return -EADDRNOTAVAIL;
	}
	err = sd_event_add_io(ev, NULL, metrics_server_fd(server), EPOLLIN, on_server, server);
	if (err >= 0)
		err = sd_event_add_time_relative(ev, NULL, CLOCK_MONOTONIC, USEC_PER_SEC,
						 10 * USEC_PER_MSEC, on_server_time, server);
	if (err < 0) {
		metrics_server_stop(server);
		return err;
	}
	log_msg(LOG_INFO, "serving metrics at http://%s/metrics",
		conf_listen_str(&r->cfg.metrics.listen, text));
	*out = server;
	return 0;
}
