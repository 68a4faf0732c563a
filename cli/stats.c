// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice stats`: counters, and with --watch rates (metrics: stats_prom.c). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cli/cmd.h"
#include "cli/stats.h"
#include "cli/switches.h"
#include "kernel/counters.h"
#include "kernel/fmt.h"
#include "kernel/live.h"
#include "kernel/maps.h"

static void stats_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice stats [IFACE] [--json | --watch | --prometheus | --serve ADDR:PORT]\n\n"
		"Packet and byte counters of IFACE (default: the only interface sluice is\n"
		"attached to): verdicts, drops by reason, every filter rule, service and\n"
		"backend, with each service's and backend's new and active flows.\n\n"
		"  -j, --json        machine-readable output (documented in README.md)\n"
		"  -w, --watch       print packet rates every second until interrupted: global\n"
		"                    counters, then each rule, service and backend that saw\n"
		"                    packets\n"
		"  -p, --prometheus  the metrics in the Prometheus text format, once (for\n"
		"                    node_exporter's textfile collector)\n"
		"  -s, --serve ADDR:PORT\n"
		"                    serve them over HTTP at /metrics until interrupted, e.g.\n"
		"                    127.0.0.1:9444 or [::1]:9444; keeps the program's run-time\n"
		"                    stats on meanwhile\n"
		"  -h, --help        this text\n");
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

static json_object *collect(const struct live_state *live, const struct counters_snapshot *snap)
{
	json_object *root = json_object_new_object(), *global = json_object_new_object();
	json_object *rules = json_object_new_array(), *svcs = json_object_new_array();
	char addr[INET6_ADDRSTRLEN], vip[64];
	size_t i;
	__u32 id;

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
		json_object_object_add(o, "vip", json_object_new_string(
			fmt_vip(&s->key, vip, sizeof(vip))));
		for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
			const struct sluice_backend *be = &live->backends[id];
			json_object *b;

			if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id != s->val.id)
				continue;
			b = lb_json(&snap->backends[id]);
			json_object_object_add(b, "addr", json_object_new_string(
				fmt_addr(be->family, be->addr, addr)));
			json_object_array_add(bes, b);
		}
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

static int64_t packets_of(json_object *o)
{
	return json_object_get_int64(json_object_object_get(o, "packets"));
}

static int64_t bytes_of(json_object *o)
{
	return json_object_get_int64(json_object_object_get(o, "bytes"));
}

static long long int_of(json_object *o, const char *key)
{
	return (long long)json_object_get_int64(json_object_object_get(o, key));
}

static void print_human(const char *ifname, json_object *root)
{
	json_object *global = json_object_object_get(root, "global");
	json_object *rules = json_object_object_get(root, "rules");
	json_object *svcs = json_object_object_get(root, "services");
	json_object *flows = json_object_object_get(root, "flows");
	size_t i, j;

	printf("%s:\n%-16s %14s %16s\n", ifname, "counter", "packets", "bytes");
	for (i = 0; i < SLUICE_STAT_MAX; i++) {
		json_object *c = json_object_object_get(global, counters_stat_names[i]);

		printf("%-16s %14lld %16lld\n", counters_stat_names[i], (long long)packets_of(c),
		       (long long)bytes_of(c));
	}
	printf("drops:\n");
	json_object_object_foreach(json_object_object_get(root, "drops"), reason, count)
		printf("  %-16s %12lld\n", reason, (long long)json_object_get_int64(count));
	printf("flows: %lld active, %lld entries in a table of %lld\n", int_of(flows, "active"),
	       int_of(flows, "entries"), int_of(flows, "size"));
	printf("rules:\n");
	for (i = 0; i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i);

		json_object *limited;

		printf("  %-14s %14lld %16lld",
		       json_object_get_string(json_object_object_get(r, "name")),
		       (long long)packets_of(r), (long long)bytes_of(r));
		if (json_object_object_get_ex(r, "limited", &limited))
			printf("  (%lld over the rate, dropped)", (long long)packets_of(limited));
		printf("\n");
	}
	printf("%-48s %12s %12s\n", "services:", "new flows", "active flows");
	for (i = 0; i < json_object_array_length(svcs); i++) {
		json_object *s = json_object_array_get_idx(svcs, i);
		json_object *bes = json_object_object_get(s, "backends");

		printf("  %-14s %14lld %16lld %12lld %12lld  %s\n",
		       json_object_get_string(json_object_object_get(s, "name")),
		       (long long)packets_of(s), (long long)bytes_of(s), int_of(s, "new_flows"),
		       int_of(s, "active_flows"),
		       json_object_get_string(json_object_object_get(s, "vip")));
		for (j = 0; j < json_object_array_length(bes); j++) {
			json_object *b = json_object_array_get_idx(bes, j);

			printf("    %-12s %14lld %16lld %12lld %12lld\n",
			       json_object_get_string(json_object_object_get(b, "addr")),
			       (long long)packets_of(b), (long long)bytes_of(b),
			       int_of(b, "new_flows"), int_of(b, "active_flows"));
		}
	}
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long long pps(const struct sluice_counter *now, const struct sluice_counter *then)
{
	return (unsigned long long)(now->packets - then->packets);
}

/* Service and backend rates that were not zero in the last second. */
static void print_lb_rates(const struct live_state *live, const struct counters_snapshot *now,
			   const struct counters_snapshot *then)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned long long rate;
	size_t i;
	__u32 id;

	for (i = 0; i < live->n_services; i++) {
		const struct live_service *s = &live->services[i];

		rate = pps(&now->services[s->val.id].traffic, &then->services[s->val.id].traffic);
		if (rate)
			printf("  service %s %llu pps\n", s->meta.name, rate);
		for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
			const struct sluice_backend *be = &live->backends[id];

			if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id != s->val.id)
				continue;
			rate = pps(&now->backends[id].traffic, &then->backends[id].traffic);
			if (rate)
				printf("    backend %s %llu pps\n",
				       fmt_addr(be->family, be->addr, addr), rate);
		}
	}
}

/* One second's rates: the global counters on one line, then what saw packets. */
static void print_rates(const struct live_state *live, const struct counters_snapshot *now,
			const struct counters_snapshot *then)
{
	unsigned long long rate;
	size_t i;
	__u32 c;

	for (i = 0; i < SLUICE_STAT_MAX; i++)
		printf("%s %llu pps%s", counters_stat_names[i],
		       pps(&now->global[i], &then->global[i]),
		       i + 1 < SLUICE_STAT_MAX ? ", " : "\n");
	for (i = 0; i < live->n_rules; i++) {
		c = live->rules[i].counter;
		rate = pps(&now->rules[c], &then->rules[c]);
		if (rate)
			printf("  rule %s %llu pps\n", live->rule_meta[c].name, rate);
	}
	print_lb_rates(live, now, then);
	fflush(stdout);
}

/* Rates once a second until interrupted. Returns an exit code. */
static int watch(const char *ifname, const struct sluice_maps *maps,
		 const struct live_state *live)
{
	struct counters_snapshot *snaps = calloc(2, sizeof(*snaps)), *swap;
	struct counters_snapshot *then = snaps, *now = snaps + 1;
	int ifindex = (int)if_nametoindex(ifname), err;

	if (!snaps)
		return EXIT_RUNTIME;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = counters_read(maps, live, ifindex, false, then);
	while (!err && !stop) {
		sleep(1);
		err = counters_read(maps, live, ifindex, false, now);
		if (!err)
			print_rates(live, now, then);
		swap = then;
		then = now;
		now = swap;
	}
	free(snaps);
	if (err) {
		fprintf(stderr, "sluice: cannot read the counters of %s: %s\n", ifname,
			strerror(-err));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* Counters and flows once, as JSON or for people. Returns an exit code. */
static int show(const char *ifname, const struct sluice_maps *maps,
		const struct live_state *live, bool json)
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
	root = collect(live, snap);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_human(ifname, root);
	json_object_put(root);
	free(snap);
	return EXIT_OK;
}

/* At most one of the output forms. */
static bool one_form(bool json, bool watching, bool prometheus, bool serving)
{
	if (json + watching + prometheus + serving <= 1)
		return true;
	fprintf(stderr, "sluice stats: --json, --watch, --prometheus and --serve do not go "
		"together\n\n");
	stats_usage(stderr);
	return false;
}

int cmd_stats(int argc, char **argv)
{
	bool json = false, watching = false, prometheus = false, serving = false;
	const char *listen_text = NULL;
	const struct cmd_switch sw[] = {
		{ "json", 'j', &json, NULL },
		{ "watch", 'w', &watching, NULL },
		{ "prometheus", 'p', &prometheus, NULL },
		{ "serve", 's', &serving, &listen_text },
	};
	struct conf_listen listen;
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	const char *given;
	int ret;

	ret = switches_parse(argc, argv, "stats", sw, 4, stats_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	if (!one_form(json, watching, prometheus, serving))
		return EXIT_USAGE;
	/* A bad address is a usage error, found before anything is opened. */
	if (serving && stats_parse_listen(listen_text, &listen))
		return EXIT_USAGE;
	ret = iface_open_live(given, ifname, &maps, &live);
	if (ret)
		return ret;
	if (watching)
		ret = watch(ifname, &maps, live);
	else if (prometheus)
		ret = stats_prometheus(ifname, &maps);
	else if (serving)
		ret = stats_serve(ifname, &maps, &listen);
	else
		ret = show(ifname, &maps, live, json);
	free(live);
	maps_close(&maps);
	return ret;
}
