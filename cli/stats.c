// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice stats`: counters, and with --watch rates (metrics: stats_prom.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "cli/cmd.h"
#include "cli/json_out.h"
#include "cli/select.h"
#include "cli/stats.h"
#include "cli/switches.h"
#include "kernel/counters.h"
#include "kernel/fmt.h"
#include "kernel/live.h"
#include "kernel/maps.h"

static void stats_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice stats [IFACE] [--json] [-o COLUMNS] [--service NAME]\n"
		"                    [--backend ADDR] [--sort COLUMN]\n"
		"       sluice stats [IFACE] --watch [--json] [--interval SECONDS] [-o ...]\n"
		"       sluice stats [IFACE] --prometheus | --serve ADDR:PORT\n\n"
		"Packet and byte counters of IFACE (default: the only interface sluice is\n"
		"attached to): totals first, then the global counters, drops by reason,\n"
		"every filter rule, and each service and backend with its new and active\n"
		"flows.\n\n"
		"  -j, --json            machine-readable output (documented in README.md);\n"
		"                        with --watch one JSON object per line and tick\n"
		"  -w, --watch           rates (packets and bytes per second) every interval\n"
		"                        until interrupted: totals, then the rules, services\n"
		"                        and backends that saw packets; services and rules\n"
		"                        an apply adds appear from their second tick\n"
		"  -i, --interval SECONDS  --watch's interval, 0.1 to 3600 (default 1)\n"
		"  -o, --output COLUMNS  the services table's columns, comma-separated;\n"
		"                        +COLUMNS adds to the shown ones\n"
		"  -S, --service NAME    only this service (exit 1 when there is none)\n"
		"  -B, --backend ADDR    only this backend, in every service that has it\n"
		"  -k, --sort COLUMN     services, backends and rules by COLUMN: numbers\n"
		"                        largest first, text A to Z\n"
		"  -p, --prometheus      the metrics in the Prometheus text format, once (for\n"
		"                        node_exporter's textfile collector)\n"
		"  -s, --serve ADDR:PORT serve them over HTTP at /metrics until interrupted,\n"
		"                        e.g. 127.0.0.1:9444 or [::1]:9444; keeps the\n"
		"                        program's run-time stats on meanwhile\n"
		"  -h, --help            this text\n\n"
		"columns:\n");
	table_columns_help(out, stats_columns, STATS_COLUMNS);
	fprintf(out, "columns with --watch:\n");
	table_columns_help(out, stats_rate_columns, STATS_RATE_COLUMNS);
}

static json_object *counter_json(const struct sluice_counter *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "packets", json_object_new_int64((int64_t)c->packets));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)c->bytes));
	return o;
}

/* Packets of each drop reason; malformed ones only count when the policy drops them. */
static json_object *drops_json(const struct live_state *live,
			       const struct counters_snapshot *snap)
{
	enum sluice_stat reasons[SLUICE_STAT_MAX];
	json_object *o = json_object_new_object();
	size_t i, n = counters_drop_reasons(live, reasons);

	for (i = 0; i < n; i++)
		json_object_object_add(o, counters_stat_names[reasons[i]], json_object_new_int64(
			(int64_t)snap->global[reasons[i]].packets));
	return o;
}

/* A service's or backend's counters and flows. */
static json_object *lb_json(const struct counters_lb *c)
{
	json_object *o = counter_json(&c->traffic);

	json_object_object_add(o, "new_flows", json_object_new_int64((int64_t)c->new_flows));
	json_object_object_add(o, "active_flows",
			       json_object_new_int64((int64_t)c->active_flows));
	return o;
}

static json_object *flows_json(const struct counters_snapshot *snap)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "size", json_object_new_int64(snap->flow_size));
	json_object_object_add(o, "entries", json_object_new_int64((int64_t)snap->flow_entries));
	json_object_object_add(o, "active", json_object_new_int64((int64_t)snap->flow_active));
	return o;
}

static json_object *rule_json(const char *name, const struct sluice_counter *c)
{
	json_object *o = counter_json(c);

	json_object_object_add(o, "name", json_object_new_string(name));
	return o;
}

void stats_add_backends(json_object *arr, const struct live_state *live, __u32 service_id,
			 json_object *(*make)(const struct live_state *live, __u32 id,
					      const void *ctx), const void *ctx)
{
	char addr[INET6_ADDRSTRLEN];
	__u32 id;

	for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *be = &live->backends[id];
		json_object *b;

		if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id != service_id)
			continue;
		b = make(live, id, ctx);
		if (!b)
			continue;
		json_object_object_add(b, "addr", json_object_new_string(
			fmt_addr(be->family, be->addr, addr)));
		json_object_array_add(arr, b);
	}
}

static json_object *backend_counts(const struct live_state *live, __u32 id, const void *ctx)
{
	const struct counters_snapshot *snap = ctx;

	(void)live;
	return lb_json(&snap->backends[id]);
}

static json_object *collect(const char *ifname, const struct live_state *live,
			    const struct counters_snapshot *snap)
{
	json_object *root = json_out_root(ifname), *global = json_object_new_object();
	json_object *rules = json_object_new_array(), *svcs = json_object_new_array();
	size_t i;

	json_out_timestamp(root);
	for (i = 0; i < SLUICE_STAT_MAX; i++)
		json_object_object_add(global, counters_stat_names[i],
				       counter_json(&snap->global[i]));
	for (i = 0; i < live->n_rules; i++) {
		const struct sluice_rule *r = &live->rules[i];
		json_object *o = rule_json(live->rule_meta[r->counter].name,
					   &snap->rules[r->counter]);

		if (r->action == SLUICE_ACT_RATE_LIMIT)
			json_object_object_add(o, "limited",
					       counter_json(&snap->rule_limited[r->counter]));
		json_object_array_add(rules, o);
	}
	/* Packets the deny default would have dropped but neighbour discovery needs. */
	if (live->filter_header.flags & SLUICE_FILTER_SPARE_NDP)
		json_object_array_add(rules, rule_json("(neighbour discovery)",
						       &snap->rules[SLUICE_NDP_RULE_COUNTER]));
	/* Replies to `sluice run`'s health checks, which the deny default would drop. */
	if (live->n_health_peers)
		json_object_array_add(rules, rule_json("(health checks)",
						       &snap->rules[SLUICE_HEALTH_RULE_COUNTER]));
	for (i = 0; i < live->n_services; i++) {
		const struct live_service *s = &live->services[i];
		json_object *o = lb_json(&snap->services[s->val.id]);
		json_object *bes = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(s->meta.name));
		json_out_vip(o, &s->key);
		stats_add_backends(bes, live, s->val.id, backend_counts, snap);
		json_object_object_add(o, "backends", bes);
		json_object_array_add(svcs, o);
	}
	json_object_object_add(root, "global", global);
	json_object_object_add(root, "drops", drops_json(live, snap));
	json_object_object_add(root, "flows", flows_json(snap));
	json_object_object_add(root, "rules", rules);
	json_object_object_add(root, "services", svcs);
	return root;
}

/* Counters and flows once, as JSON or for people. Returns an exit code. */
static int show(const char *ifname, const struct sluice_maps *maps,
		const struct live_state *live, const struct stats_view *view)
{
	struct counters_snapshot *snap = calloc(1, sizeof(*snap));
	json_object *root;
	int err = snap ? counters_read(maps, live, (int)if_nametoindex(ifname), true, snap)
		       : -ENOMEM;

	if (err) {
		fprintf(stderr, "sluice: cannot read the counters of %s: %s\n", ifname,
			strerror(-err));
		free(snap);
		return EXIT_RUNTIME;
	}
	root = collect(ifname, live, snap);
	free(snap);
	if (select_apply("stats", ifname, json_object_object_get(root, "services"),
			 &view->select, false)) {
		json_object_put(root);
		return EXIT_RUNTIME;
	}
	if (view->select.sort)
		table_sort_json(json_object_object_get(root, "rules"), view->select.sort->key);
	if (view->json) {
		json_out_print(root, true);
		return EXIT_OK;
	}
	stats_print(root, view);
	json_object_put(root);
	return EXIT_OK;
}

/* At most one of the output forms; --interval only with --watch. */
static bool forms_agree(bool json, bool watching, bool prometheus, bool serving,
			bool interval)
{
	const char *why = NULL;

	if ((json && !watching) + watching + prometheus + serving > 1)
		why = "--json, --watch, --prometheus and --serve do not go together "
		      "(but --watch --json does)";
	else if (interval && !watching)
		why = "--interval goes with --watch";
	if (!why)
		return true;
	fprintf(stderr, "sluice stats: %s\n\n", why);
	stats_usage(stderr);
	return false;
}

/* --interval SECONDS: from 0.1 to 3600, decimals allowed. */
static int parse_interval(const char *text, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(text, &end);
	if (errno || end == text || *end || !(*out >= 0.1 && *out <= 3600)) {
		fprintf(stderr, "sluice stats: --interval '%s' is not a number of seconds "
			"from 0.1 to 3600\n", text);
		return -1;
	}
	return 0;
}

/* Check what was asked before anything is opened. Returns an exit code or -1: go on. */
static int check_view(struct stats_view *view, const char *columns, const char *backend,
		      const char *sort, const char *interval)
{
	const struct table_column *cols = view->watching ? stats_rate_columns :
					  stats_columns;
	size_t n = view->watching ? STATS_RATE_COLUMNS : STATS_COLUMNS;

	if (table_choose("stats", columns, cols, n, &view->choice) ||
	    select_parse("stats", backend, sort, cols, n, &view->select))
		return EXIT_USAGE;
	view->interval = 1.0;
	if (interval && parse_interval(interval, &view->interval))
		return EXIT_USAGE;
	return -1;
}

int cmd_stats(int argc, char **argv)
{
	bool prometheus = false, serving = false, has_columns = false, has_service = false,
	     has_backend = false, has_sort = false, has_interval = false;
	const char *listen_text = NULL, *columns = NULL, *backend = NULL, *sort = NULL,
		   *interval = NULL;
	struct stats_view view = {0};
	const struct cmd_switch sw[] = {
		{ "json", 'j', &view.json, NULL },
		{ "watch", 'w', &view.watching, NULL },
		{ "prometheus", 'p', &prometheus, NULL },
		{ "serve", 's', &serving, &listen_text },
		{ "output", 'o', &has_columns, &columns },
		{ "service", 'S', &has_service, &view.select.service },
		{ "backend", 'B', &has_backend, &backend },
		{ "sort", 'k', &has_sort, &sort },
		{ "interval", 'i', &has_interval, &interval },
	};
	struct conf_listen listen;
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	const char *given;
	int ret;

	ret = switches_parse(argc, argv, "stats", sw, sizeof(sw) / sizeof(sw[0]), stats_usage,
			     &given);
	if (ret != SWITCHES_RUN)
		return ret;
	if (!forms_agree(view.json, view.watching, prometheus, serving, has_interval))
		return EXIT_USAGE;
	ret = check_view(&view, columns, backend, sort, interval);
	if (ret >= 0)
		return ret;
	/* A bad address is a usage error, found before anything is opened. */
	if (serving && stats_parse_listen(listen_text, &listen))
		return EXIT_USAGE;
	ret = iface_open_live(given, ifname, &maps, &live);
	if (ret)
		return ret;
	if (view.watching)
		ret = stats_watch(ifname, &maps, live, &view);
	else if (prometheus)
		ret = stats_prometheus(ifname, &maps);
	else if (serving)
		ret = stats_serve(ifname, &maps, &listen);
	else
		ret = show(ifname, &maps, live, &view);
	/* Counters of a state changed behind sluice's back count something else. */
	if (!ret && !view.watching && !serving && iface_tampered(ifname, &maps, live))
		ret = EXIT_RUNTIME;
	free(live);
	maps_close(&maps);
	return ret;
}
