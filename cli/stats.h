/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sluice stats`: counters once, rates (--watch), metrics (--prometheus, --serve). */
#ifndef SLUICE_CLI_STATS_H
#define SLUICE_CLI_STATS_H

#include <stdbool.h>
#include <json-c/json.h>

#include "cli/select.h"
#include "cli/table.h"
#include "conf/config.h"
#include "kernel/live.h"
#include "kernel/maps.h"

/* What the operator asked to see. */
struct stats_view {
	bool json;
	bool watching;
	double interval;		/* --watch's, in seconds */
	struct table_choice choice;	/* the services table's columns */
	struct select select;		/* --service, --backend, --sort */
};

/* The services table's columns: of the counters, and of rates (--watch). */
#define STATS_COLUMNS		8
#define STATS_RATE_COLUMNS	7
extern const struct table_column stats_columns[STATS_COLUMNS];
extern const struct table_column stats_rate_columns[STATS_RATE_COLUMNS];

/*
 * Add to arr an object per live backend of service_id, built by make (NULL: left
 * out), with "addr" added.
 */
void stats_add_backends(json_object *arr, const struct live_state *live, __u32 service_id,
			json_object *(*make)(const struct live_state *live, __u32 id,
					     const void *ctx), const void *ctx);

/* The counters for people, from their JSON form: totals first, then tables. */
void stats_print(json_object *root, const struct stats_view *view);

/* One tick of --watch for people, from its JSON form: what moved. */
void stats_print_rates(json_object *root, const struct stats_view *view);

/*
 * Rates every view->interval until SIGINT or SIGTERM, re-reading what is live at
 * every tick; live is what was when the command started. Returns an exit code.
 */
int stats_watch(const char *ifname, const struct sluice_maps *maps,
		const struct live_state *live, const struct stats_view *view);

/* --serve's ADDR:PORT; prints why not and returns -1 when it is not one. */
int stats_parse_listen(const char *text, struct conf_listen *out);

/* The exposition of ifname, once, on stdout. Returns an exit code. */
int stats_prometheus(const char *ifname, const struct sluice_maps *maps);

/* Serve it at http://ADDR:PORT/metrics until SIGINT or SIGTERM. Returns an exit code. */
int stats_serve(const char *ifname, const struct sluice_maps *maps,
		const struct conf_listen *addr);

#endif /* SLUICE_CLI_STATS_H */
