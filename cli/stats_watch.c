// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice stats --watch`: rates every interval. Each tick reads what is live again
 * (an apply may have added or removed services, backends and rules since) and
 * its counters; a rate is the difference to the previous tick over the time
 * between the two reads, for what both ticks saw as the same thing. What is new
 * at a tick has no rate yet (its counter holds everything it ever counted) and
 * shows from the next one.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/json_out.h"
#include "cli/stats.h"
#include "kernel/counters.h"

/* One read: what was live, and its counters. */
struct tick {
	struct live_state *live;
	struct counters_snapshot snap;
	bool rule_read[SLUICE_RULE_COUNTERS];	/* counters read in this tick */
};

/* Two ticks and the time between them, which every rate of one output shares. */
struct rates {
	const struct tick *now, *then;
	double seconds;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A rate as JSON, with one decimal: 1234.5 */
static json_object *rate_value(double value)
{
	char text[32];

	snprintf(text, sizeof(text), "%.1f", value);
	return json_object_new_double_s(value, text);
}

/* {"packets_per_second", "bytes_per_second"}, or NULL when the counter went back. */
static json_object *rate_json(const struct sluice_counter *now,
			      const struct sluice_counter *then, double seconds)
{
	json_object *o;

	if (now->packets < then->packets || now->bytes < then->bytes)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "packets_per_second",
			       rate_value((double)(now->packets - then->packets) / seconds));
	json_object_object_add(o, "bytes_per_second",
			       rate_value((double)(now->bytes - then->bytes) / seconds));
	return o;
}

static json_object *lb_rate(const struct counters_lb *now, const struct counters_lb *then,
			    double seconds)
{
	json_object *o = rate_json(&now->traffic, &then->traffic, seconds);

	if (o && now->new_flows >= then->new_flows)
		json_object_object_add(o, "new_flows_per_second", rate_value(
			(double)(now->new_flows - then->new_flows) / seconds));
	return o;
}

/* A backend's rate, when the previous tick saw the same backend (id, generation). */
static json_object *backend_rate(const struct live_state *live, __u32 id, const void *ctx)
{
	const struct rates *r = ctx;
	const struct sluice_backend *was = &r->then->live->backends[id];

	if (!(was->flags & SLUICE_BACKEND_F_LIVE) || was->gen != live->backends[id].gen ||
	    was->service_id != live->backends[id].service_id)
		return NULL;
	return lb_rate(&r->now->snap.backends[id], &r->then->snap.backends[id], r->seconds);
}

/* The previous tick's service of the same id, name and address, or NULL. */
static bool service_was(const struct live_state *then, const struct live_service *s)
{
	const struct live_service *was = live_service_by_id(then, s->val.id);

	return was && !strcmp(was->meta.name, s->meta.name) &&
	       !memcmp(&was->key, &s->key, sizeof(s->key));
}

static json_object *services_json(const struct rates *r)
{
	const struct live_state *live = r->now->live;
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < live->n_services; i++) {
		const struct live_service *s = &live->services[i];
		json_object *o, *bes;

		if (!service_was(r->then->live, s))
			continue;
		o = lb_rate(&r->now->snap.services[s->val.id], &r->then->snap.services[s->val.id],
			    r->seconds);
		if (!o)
			continue;
		json_object_object_add(o, "name", json_object_new_string(s->meta.name));
		json_out_vip(o, &s->key);
		bes = json_object_new_array();
		stats_add_backends(bes, live, s->val.id, backend_rate, r);
		json_object_object_add(o, "backends", bes);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* A rule's rate, when the previous tick read the same rule's counter. */
static void add_rule(json_object *arr, const struct rates *r, __u32 c, const char *name)
{
	const struct tick *now = r->now, *then = r->then;
	json_object *o;

	if (!then->rule_read[c] || strcmp(then->live->rule_meta[c].name,
					  now->live->rule_meta[c].name))
		return;
	o = rate_json(&now->snap.rules[c], &then->snap.rules[c], r->seconds);
	if (!o)
		return;
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_array_add(arr, o);
}

static json_object *rules_json(const struct rates *r)
{
	const struct live_state *live = r->now->live;
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < live->n_rules; i++)
		add_rule(arr, r, live->rules[i].counter,
			 live->rule_meta[live->rules[i].counter].name);
	if (live->filter_header.flags & SLUICE_FILTER_SPARE_NDP)
		add_rule(arr, r, SLUICE_NDP_RULE_COUNTER, "(neighbour discovery)");
	if (live->n_health_peers)
		add_rule(arr, r, SLUICE_HEALTH_RULE_COUNTER, "(health checks)");
	return arr;
}

/* Packets per second of each drop reason. */
static json_object *drops_json(const struct rates *r)
{
	enum sluice_stat reasons[SLUICE_STAT_MAX];
	size_t i, n = counters_drop_reasons(r->now->live, reasons);
	json_object *o = json_object_new_object();

	for (i = 0; i < n; i++) {
		const struct sluice_counter *now = &r->now->snap.global[reasons[i]];
		const struct sluice_counter *then = &r->then->snap.global[reasons[i]];

		json_object_object_add(o, counters_stat_names[reasons[i]],
				       now->packets < then->packets ? NULL : rate_value(
					(double)(now->packets - then->packets) / r->seconds));
	}
	return o;
}

static json_object *rates_json(const char *ifname, const struct rates *r)
{
	json_object *root = json_out_root(ifname), *global = json_object_new_object();
	size_t i;

	json_out_timestamp(root);
	json_object_object_add(root, "interval", rate_value(r->seconds));
	for (i = 0; i < SLUICE_STAT_MAX; i++)
		json_object_object_add(global, counters_stat_names[i],
				       rate_json(&r->now->snap.global[i], &r->then->snap.global[i],
						 r->seconds));
	json_object_object_add(root, "global", global);
	json_object_object_add(root, "drops", drops_json(r));
	json_object_object_add(root, "rules", rules_json(r));
	json_object_object_add(root, "services", services_json(r));
	return root;
}

/* Which rule counters counters_read read for live (the rules, NDP, health). */
static void mark_rules(struct tick *t)
{
	size_t i;

	memset(t->rule_read, 0, sizeof(t->rule_read));
	for (i = 0; i < t->live->n_rules; i++)
		t->rule_read[t->live->rules[i].counter] = true;
	t->rule_read[SLUICE_NDP_RULE_COUNTER] =
		t->live->filter_header.flags & SLUICE_FILTER_SPARE_NDP;
	t->rule_read[SLUICE_HEALTH_RULE_COUNTER] = t->live->n_health_peers > 0;
}

/* Read what is live now and its counters into t. Returns 0 or -errno. */
static int tick_read(const struct sluice_maps *maps, int ifindex, struct tick *t)
{
	int err;

	free(t->live);
	t->live = NULL;
	err = live_read(maps, &t->live);
	if (err)
		return err;
	mark_rules(t);
	return counters_read(maps, t->live, ifindex, false, &t->snap);
}

/* Sleep until `at` (CLOCK_MONOTONIC), or a signal that stops the watch. */
static void sleep_until(const struct timespec *at)
{
	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, at, NULL) == EINTR)
		;
}

/* at + seconds */
static void advance(struct timespec *at, double seconds)
{
	long long ns = at->tv_nsec + (long long)(seconds * 1e9);

	at->tv_sec += (time_t)(ns / 1000000000LL);
	at->tv_nsec = (long)(ns % 1000000000LL);
}

static json_object *empty_backend(const struct live_state *live, __u32 id, const void *ctx)
{
	(void)live;
	(void)id;
	(void)ctx;
	return json_object_new_object();
}

/* One tick's output. */
static void show_tick(const char *ifname, const struct rates *r, const struct stats_view *view)
{
	json_object *root = rates_json(ifname, r);

	/* Nothing matching now is no error: what is watched may come with an apply. */
	select_apply("stats", ifname, json_object_object_get(root, "services"), &view->select,
		     true);
	if (view->select.sort)
		table_sort_json(json_object_object_get(root, "rules"), view->select.sort->key);
	if (view->json) {
		json_out_print(root, false);
		return;
	}
	stats_print_rates(root, view);
	json_object_put(root);
}

/*
 * --service or --backend must name something live when the watch starts (what an
 * apply adds later shows as it comes). Returns 0, or -1 after saying why not.
 */
static int selection_exists(const char *ifname, const struct live_state *live,
			    const struct select *sel)
{
	json_object *svcs = json_object_new_array();
	size_t i;
	int ret;

	for (i = 0; i < live->n_services; i++) {
		json_object *o = json_object_new_object(), *bes = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(
			live->services[i].meta.name));
		stats_add_backends(bes, live, live->services[i].val.id, empty_backend, NULL);
		json_object_object_add(o, "backends", bes);
		json_object_array_add(svcs, o);
	}
	ret = select_apply("stats", ifname, svcs, sel, false);
	json_object_put(svcs);
	return ret;
}

int stats_watch(const char *ifname, const struct sluice_maps *maps,
		const struct live_state *live, const struct stats_view *view)
{
	struct tick *ticks = calloc(2, sizeof(*ticks)), *swap;
	struct tick *then = ticks, *now = ticks + 1;
	int ifindex = (int)if_nametoindex(ifname), err;
	struct timespec next;
	struct rates r;

	if (select_narrows(&view->select) && selection_exists(ifname, live, &view->select))
		return EXIT_RUNTIME;
	if (!ticks)
		return EXIT_RUNTIME;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* Ticks on a fixed schedule: the reads' own time does not stretch the interval. */
	clock_gettime(CLOCK_MONOTONIC, &next);
	err = tick_read(maps, ifindex, then);
	while (!err && !stop) {
		advance(&next, view->interval);
		sleep_until(&next);
		if (stop)
			break;
		err = tick_read(maps, ifindex, now);
		if (err)
			break;
		r = (struct rates){ now, then,
				    (double)(now->snap.taken_ns - then->snap.taken_ns) / 1e9 };
		show_tick(ifname, &r, view);
		swap = then;
		then = now;
		now = swap;
	}
	free(ticks[0].live);
	free(ticks[1].live);
	free(ticks);
	if (err) {
		fprintf(stderr, "sluice: cannot read the counters of %s: %s\n", ifname,
			strerror(-err));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}
