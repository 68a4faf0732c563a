// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice stats`: counters and, with --watch, rates. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "cli/cmd.h"
#include "cli/switches.h"
#include "plan/fmt.h"
#include "kernel/live.h"
#include "kernel/maps.h"

/* Stable names of enum sluice_stat, also the JSON keys. */
static const char *const stat_names[SLUICE_STAT_MAX] = {
	[SLUICE_STAT_RX] = "rx",
	[SLUICE_STAT_PASS] = "pass",
	[SLUICE_STAT_NON_IP] = "non_ip",
	[SLUICE_STAT_MALFORMED] = "malformed",
	[SLUICE_STAT_FRAGMENT] = "fragment",
	[SLUICE_STAT_FILTER_DROP] = "filter_drop",
	[SLUICE_STAT_FILTER_PASS] = "filter_pass",
	[SLUICE_STAT_LB_FORWARD] = "lb_forward",
	[SLUICE_STAT_LB_NO_BACKEND] = "lb_no_backend",
	[SLUICE_STAT_FLOW_HIT] = "flow_hit",
	[SLUICE_STAT_FLOW_MISS] = "flow_miss",
	[SLUICE_STAT_FLOW_STALE] = "flow_stale",
	[SLUICE_STAT_RATE_LIMITED] = "rate_limited",
	[SLUICE_STAT_LB_NO_ROUTE] = "lb_no_route",
	[SLUICE_STAT_LB_NO_NEIGH] = "lb_no_neigh",
	[SLUICE_STAT_LB_ENCAP_ERROR] = "lb_encap_error",
	[SLUICE_STAT_LB_TOO_BIG] = "lb_too_big",
	[SLUICE_STAT_LB_TOO_BIG_NODF] = "lb_too_big_nodf",
	[SLUICE_STAT_LB_REDIRECT] = "lb_redirect",
	[SLUICE_STAT_ICMP_TO_BACKEND] = "icmp_to_backend",
	[SLUICE_STAT_FLOW_EXPIRED] = "flow_expired",
	[SLUICE_STAT_FLOW_GUARD_SKIP] = "flow_guard_skip",
	[SLUICE_STAT_OTHER_HOST] = "other_host",
};

/* Global counters of packets sluice dropped, by reason (malformed: see drops_json). */
static const enum sluice_stat drop_reasons[] = {
	SLUICE_STAT_FILTER_DROP, SLUICE_STAT_RATE_LIMITED, SLUICE_STAT_LB_NO_BACKEND,
	SLUICE_STAT_LB_NO_ROUTE, SLUICE_STAT_LB_NO_NEIGH, SLUICE_STAT_LB_ENCAP_ERROR,
	SLUICE_STAT_LB_TOO_BIG, SLUICE_STAT_LB_TOO_BIG_NODF,
};

static void stats_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice stats [IFACE] [--json] [--watch]\n\n"
		"Packet and byte counters of IFACE (default: the only interface sluice is\n"
		"attached to): verdicts, drops by reason, every filter rule, service and\n"
		"backend, with each service's and backend's new and active flows.\n\n"
		"  -j, --json   machine-readable output (documented in README.md)\n"
		"  -w, --watch  print packet rates every second until interrupted: global\n"
		"               counters, then each rule, service and backend that saw\n"
		"               packets\n"
		"  -h, --help   this text\n");
}

static json_object *counter_json(int map_fd, __u32 index)
{
	struct sluice_counter sum;
	json_object *o = json_object_new_object();

	live_counter(map_fd, index, &sum);
	json_object_object_add(o, "packets", json_object_new_int64((int64_t)sum.packets));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)sum.bytes));
	return o;
}

/* Packets of each drop reason; malformed ones only count when the policy drops them. */
static json_object *drops_json(const struct sluice_maps *maps, const struct live_state *live)
{
	json_object *o = json_object_new_object();
	struct sluice_counter sum;
	size_t i;

	for (i = 0; i < sizeof(drop_reasons) / sizeof(drop_reasons[0]); i++) {
		live_counter(maps->stats, drop_reasons[i], &sum);
		json_object_object_add(o, stat_names[drop_reasons[i]],
				       json_object_new_int64((int64_t)sum.packets));
	}
	if (live->settings.malformed_policy == SLUICE_MALFORMED_DROP) {
		live_counter(maps->stats, SLUICE_STAT_MALFORMED, &sum);
		json_object_object_add(o, stat_names[SLUICE_STAT_MALFORMED],
				       json_object_new_int64((int64_t)sum.packets));
	}
	return o;
}

/* new_flows and active_flows of one service or backend, added to o. */
static void add_flows(json_object *o, int flows_fd, __u32 id, __u64 active)
{
	__u64 new_flows;

	live_new_flows(flows_fd, id, &new_flows);
	json_object_object_add(o, "new_flows", json_object_new_int64((int64_t)new_flows));
	json_object_object_add(o, "active_flows", json_object_new_int64((int64_t)active));
}

static json_object *flows_json(const struct live_state *live, __u64 entries,
			       const __u64 *active)
{
	json_object *o = json_object_new_object();
	__u64 total = 0;
	__u32 id;

	for (id = 1; id < SLUICE_MAX_BACKENDS; id++)
		total += active[id];
	json_object_object_add(o, "size", json_object_new_int64(live->flow_entries));
	json_object_object_add(o, "entries", json_object_new_int64((int64_t)entries));
	json_object_object_add(o, "active", json_object_new_int64((int64_t)total));
	return o;
}

static json_object *collect(const struct sluice_maps *maps, const struct live_state *live,
			    const __u64 *active, __u64 entries)
{
	json_object *root = json_object_new_object(), *global = json_object_new_object();
	json_object *rules = json_object_new_array(), *svcs = json_object_new_array();
	char addr[INET6_ADDRSTRLEN], vip[64];
	size_t i;
	__u32 id;

	for (i = 0; i < SLUICE_STAT_MAX; i++)
		json_object_object_add(global, stat_names[i], counter_json(maps->stats, (__u32)i));
	for (i = 0; i < live->n_rules; i++) {
		const struct sluice_rule *r = &live->rules[i];
		json_object *o = counter_json(maps->rule_stats, r->counter);

		json_object_object_add(o, "name", json_object_new_string(
			live->rule_meta[r->counter].name));
		if (r->action == SLUICE_ACT_RATE_LIMIT)
			json_object_object_add(o, "limited", counter_json(maps->rule_limited,
									   r->counter));
		json_object_array_add(rules, o);
	}
	/* Packets the deny default would have dropped but neighbour discovery needs. */
	if (live->filter_header.flags & SLUICE_FILTER_SPARE_NDP) {
		json_object *o = counter_json(maps->rule_stats, SLUICE_NDP_RULE_COUNTER);

		json_object_object_add(o, "name", json_object_new_string("(neighbour discovery)"));
		json_object_array_add(rules, o);
	}
	for (i = 0; i < live->n_services; i++) {
		const struct live_service *s = &live->services[i];
		json_object *o = counter_json(maps->service_stats, s->val.id);
		json_object *bes = json_object_new_array();
		__u64 service_active = 0;

		json_object_object_add(o, "name", json_object_new_string(s->meta.name));
		json_object_object_add(o, "vip", json_object_new_string(
			fmt_vip(&s->key, vip, sizeof(vip))));
		for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
			const struct sluice_backend *be = &live->backends[id];
			json_object *b;

			if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id != s->val.id)
				continue;
			b = counter_json(maps->backend_stats, id);
			json_object_object_add(b, "addr", json_object_new_string(
				fmt_addr(be->family, be->addr, addr)));
			add_flows(b, maps->backend_flows, id, active[id]);
			json_object_array_add(bes, b);
			service_active += active[id];
		}
		add_flows(o, maps->service_flows, s->val.id, service_active);
		json_object_object_add(o, "backends", bes);
		json_object_array_add(svcs, o);
	}
	json_object_object_add(root, "global", global);
	json_object_object_add(root, "drops", drops_json(maps, live));
	json_object_object_add(root, "flows", flows_json(live, entries, active));
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
		json_object *c = json_object_object_get(global, stat_names[i]);

		printf("%-16s %14lld %16lld\n", stat_names[i], (long long)packets_of(c),
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

/* Packets per second of one counter since the last call. */
static unsigned long long rate(int map_fd, __u32 index, __u64 *prev)
{
	struct sluice_counter now;
	__u64 delta;

	live_counter(map_fd, index, &now);
	delta = now.packets - *prev;
	*prev = now.packets;
	return (unsigned long long)delta;
}

/* Service and backend rates that were not zero in the last second. */
static void print_lb_rates(const struct sluice_maps *maps, const struct live_state *live,
			   __u64 *service_prev, __u64 *backend_prev)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned long long pps;
	size_t i;
	__u32 id;

	for (i = 0; i < live->n_services; i++) {
		const struct live_service *s = &live->services[i];

		pps = rate(maps->service_stats, s->val.id, &service_prev[s->val.id]);
		if (pps)
			printf("  service %s %llu pps\n", s->meta.name, pps);
		for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
			const struct sluice_backend *be = &live->backends[id];

			if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id != s->val.id)
				continue;
			pps = rate(maps->backend_stats, id, &backend_prev[id]);
			if (pps)
				printf("    backend %s %llu pps\n",
				       fmt_addr(be->family, be->addr, addr), pps);
		}
	}
}

/*
 * Rates once a second until interrupted: the global counters on one line, then
 * every rule, service and backend that saw packets in that second.
 */
static void watch(const struct sluice_maps *maps, const struct live_state *live)
{
	__u64 prev[SLUICE_STAT_MAX], *rule_prev = calloc(live->n_rules + 1, sizeof(*rule_prev));
	__u64 *service_prev = calloc(SLUICE_MAX_SERVICES, sizeof(*service_prev));
	__u64 *backend_prev = calloc(SLUICE_MAX_BACKENDS, sizeof(*backend_prev));
	size_t i;

	if (!rule_prev || !service_prev || !backend_prev)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (i = 0; i < SLUICE_STAT_MAX; i++)
		rate(maps->stats, (__u32)i, &prev[i]);
	for (i = 0; i < live->n_rules; i++)
		rate(maps->rule_stats, live->rules[i].counter, &rule_prev[i]);
	print_lb_rates(maps, live, service_prev, backend_prev);
	while (!stop) {
		sleep(1);
		for (i = 0; i < SLUICE_STAT_MAX; i++)
			printf("%s %llu pps%s", stat_names[i], rate(maps->stats, (__u32)i, &prev[i]),
			       i + 1 < SLUICE_STAT_MAX ? ", " : "\n");
		for (i = 0; i < live->n_rules; i++) {
			__u32 c = live->rules[i].counter;
			unsigned long long pps = rate(maps->rule_stats, c, &rule_prev[i]);

			if (pps)
				printf("  rule %s %llu pps\n", live->rule_meta[c].name, pps);
		}
		print_lb_rates(maps, live, service_prev, backend_prev);
		fflush(stdout);
	}
out:
	free(rule_prev);
	free(service_prev);
	free(backend_prev);
}

/* Counters and flows once, as JSON or for people. Returns an exit code. */
static int show(const char *ifname, const struct sluice_maps *maps,
		const struct live_state *live, bool json)
{
	__u64 *active = calloc(SLUICE_MAX_BACKENDS, sizeof(*active)), entries;
	json_object *root;
	int err = active ? live_count_flows(maps, live, &entries, active) : -ENOMEM;

	if (err) {
		fprintf(stderr, "sluice: cannot walk the flow table of %s: %s\n", ifname,
			strerror(-err));
		free(active);
		return EXIT_RUNTIME;
	}
	root = collect(maps, live, active, entries);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_human(ifname, root);
	json_object_put(root);
	free(active);
	return EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
	bool json = false, watching = false;
	const struct cmd_switch sw[] = { { "json", 'j', &json }, { "watch", 'w', &watching } };
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	const char *given;
	int ret;

	ret = switches_parse(argc, argv, "stats", sw, 2, stats_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	if (json && watching) {
		fprintf(stderr, "sluice stats: --json and --watch do not go together\n\n");
		stats_usage(stderr);
		return EXIT_USAGE;
	}
	ret = iface_open_live(given, ifname, &maps, &live);
	if (ret)
		return ret;
	if (watching)
		watch(&maps, live);
	else
		ret = show(ifname, &maps, live, json);
	free(live);
	maps_close(&maps);
	return ret;
}
