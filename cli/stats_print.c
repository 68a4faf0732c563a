// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice stats` for people: totals first, then fitted tables (libsmartcols). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/stats.h"
#include "kernel/counters.h"

const struct table_column stats_columns[STATS_COLUMNS] = {
	TABLE_SERVICE_COLUMNS(0.3, false),
	{ "PACKETS", "packets", NULL, "packets forwarded to it", 10, SCOLS_FL_RIGHT, true,
	  NULL },
	{ "BYTES", "bytes", NULL, "bytes forwarded to it", 12, SCOLS_FL_RIGHT, true, NULL },
	{ "NEW", "new_flows", NULL, "flows Maglev placed on it", 8, SCOLS_FL_RIGHT, true,
	  NULL },
	{ "ACTIVE", "active_flows", NULL, "flow-table entries that still lead to it", 8,
	  SCOLS_FL_RIGHT, true, NULL },
};

static const char *str_of(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static long long int_of(json_object *o, const char *key)
{
	return (long long)json_object_get_int64(json_object_object_get(o, key));
}

static long long global_of(json_object *root, const char *counter, const char *what)
{
	return int_of(json_object_object_get(json_object_object_get(root, "global"), counter),
		      what);
}

/* "eth0 at 2026-12-07 16:50:03 UTC" */
static void print_when(json_object *root)
{
	time_t at = (time_t)json_object_get_double(json_object_object_get(root, "timestamp"));
	char when[32];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&at));
	printf("%s at %s\n", str_of(root, "interface"), when);
}

/* The totals: where received packets went, drops by reason, flows, services. */
static void print_totals(json_object *root)
{
	json_object *flows = json_object_object_get(root, "flows");
	json_object *svcs = json_object_object_get(root, "services");
	long long dropped = 0, packets = 0, new_flows = 0;
	size_t i, backends = 0;
	struct table_list list;

	json_object_object_foreach(json_object_object_get(root, "drops"), reason, count)
		if (strcmp(reason, "rate_limited"))	/* also in filter_drop */
			dropped += json_object_get_int64(count);
	printf("rx %lld packets, %lld bytes: %lld forwarded, %lld to the kernel, "
	       "%lld dropped,\n  %lld for other hosts, %lld not IP, %lld malformed\n",
	       global_of(root, "rx", "packets"), global_of(root, "rx", "bytes"),
	       global_of(root, "lb_forward", "packets"), global_of(root, "pass", "packets"),
	       dropped, global_of(root, "other_host", "packets"),
	       global_of(root, "non_ip", "packets"), global_of(root, "malformed", "packets"));
	table_list_start(&list, "drops: ");
	json_object_object_foreach(json_object_object_get(root, "drops"), why, n)
		if (json_object_get_int64(n))
			table_item(&list, "%s %lld", why, (long long)json_object_get_int64(n));
	table_list_end(&list, "none");
	printf("flows: %lld active, %lld entries in a table of %lld\n", int_of(flows, "active"),
	       int_of(flows, "entries"), int_of(flows, "size"));
	for (i = 0; i < json_object_array_length(svcs); i++) {
		json_object *s = json_object_array_get_idx(svcs, i);

		backends += json_object_array_length(json_object_object_get(s, "backends"));
		packets += int_of(s, "packets");
		new_flows += int_of(s, "new_flows");
	}
	printf("services: %zu with %zu backends: %lld packets, %lld new flows\n",
	       json_object_array_length(svcs), backends, packets, new_flows);
}

static const struct table_column global_columns[] = {
	{ "COUNTER", "counter", NULL, "", 16, 0, true, NULL },
	{ "PACKETS", "packets", NULL, "", 10, SCOLS_FL_RIGHT, true, NULL },
	{ "BYTES", "bytes", NULL, "", 12, SCOLS_FL_RIGHT, true, NULL },
};

/* Every global counter, in the data plane's order. */
static void print_global(json_object *root)
{
	json_object *global = json_object_object_get(root, "global");
	struct table_choice choice;
	struct libscols_table *tb;
	size_t i;

	table_choose("stats", NULL, global_columns, 3, &choice);
	tb = table_new(&choice, false);
	for (i = 0; tb && i < SLUICE_STAT_MAX; i++) {
		json_object *c = json_object_object_get(global, counters_stat_names[i]);
		struct libscols_line *ln = table_add(tb, &choice, NULL, c, false);

		if (ln)
			scols_line_set_data(ln, 0, counters_stat_names[i]);
	}
	printf("\n");
	table_print(tb);
}

static const char *limited_text(json_object *row, char *buf, size_t len)
{
	json_object *limited;

	if (!json_object_object_get_ex(row, "limited", &limited))
		return "";
	snprintf(buf, len, "%lld", int_of(limited, "packets"));
	return buf;
}

static const struct table_column rule_columns[] = {
	{ "RULE", "name", NULL, "", 0.3, 0, true, NULL },
	{ "PACKETS", "packets", NULL, "", 10, SCOLS_FL_RIGHT, true, NULL },
	{ "BYTES", "bytes", NULL, "", 12, SCOLS_FL_RIGHT, true, NULL },
	{ "LIMITED", "limited", NULL, "", 8, SCOLS_FL_RIGHT, true, limited_text },
};

static void print_rules(json_object *rules)
{
	struct table_choice choice;
	struct libscols_table *tb;
	size_t i;

	table_choose("stats", NULL, rule_columns, 4, &choice);
	tb = table_new(&choice, false);
	for (i = 0; tb && i < json_object_array_length(rules); i++)
		table_add(tb, &choice, NULL, json_object_array_get_idx(rules, i), false);
	printf("\n");
	table_print(tb);
}

void stats_print(json_object *root, const struct stats_view *view)
{
	print_when(root);
	print_totals(root);
	if (!select_narrows(&view->select)) {
		print_global(root);
		print_rules(json_object_object_get(root, "rules"));
	}
	table_print_services(json_object_object_get(root, "services"), &view->choice);
}

static double rate_of(json_object *global, const char *counter, const char *what)
{
	return json_object_get_double(json_object_object_get(json_object_object_get(global,
										    counter),
							     what));
}

/*
 * "16:50:03 eth0, 1.0 s: rx 120.0 pkt/s 9600.0 B/s: 100.0 forwarded, 20.0 to the
 * kernel, 0.0 dropped", then the other global counters that moved.
 */
static void print_rate_totals(json_object *root)
{
	json_object *global = json_object_object_get(root, "global");
	time_t at = (time_t)json_object_get_double(json_object_object_get(root, "timestamp"));
	double dropped = 0;
	char when[16];
	struct table_list list;
	size_t i;

	json_object_object_foreach(json_object_object_get(root, "drops"), reason, rate)
		if (strcmp(reason, "rate_limited"))	/* also in filter_drop */
			dropped += json_object_get_double(rate);
	strftime(when, sizeof(when), "%H:%M:%S", gmtime(&at));
	printf("%s UTC %s (%s s): rx %.1f pkt/s, %.1f B/s\n", when, str_of(root, "interface"),
	       str_of(root, "interval"), rate_of(global, "rx", "packets_per_second"),
	       rate_of(global, "rx", "bytes_per_second"));
	table_list_start(&list, "  pkt/s: ");
	table_item(&list, "%.1f forwarded", rate_of(global, "lb_forward", "packets_per_second"));
	table_item(&list, "%.1f to the kernel", rate_of(global, "pass", "packets_per_second"));
	table_item(&list, "%.1f dropped", dropped);
	for (i = 1; i < SLUICE_STAT_MAX; i++) {
		double pps = rate_of(global, counters_stat_names[i], "packets_per_second");

		if (pps > 0)
			table_item(&list, "%s %.1f", counters_stat_names[i], pps);
	}
	table_list_end(&list, "");
}

/* Whether a rate row moved (or, for a service, one of its backends did). */
static bool moved(json_object *row)
{
	json_object *bes = NULL;
	size_t i;

	json_object_object_get_ex(row, "backends", &bes);
	if (json_object_get_double(json_object_object_get(row, "packets_per_second")) > 0)
		return true;
	for (i = 0; bes && i < json_object_array_length(bes); i++)
		if (moved(json_object_array_get_idx(bes, i)))
			return true;
	return false;
}

const struct table_column stats_rate_columns[STATS_RATE_COLUMNS] = {
	TABLE_SERVICE_COLUMNS(0.3, false),
	{ "PKT/S", "packets_per_second", NULL, "packets per second", 10, SCOLS_FL_RIGHT, true,
	  NULL },
	{ "BYTES/S", "bytes_per_second", NULL, "bytes per second", 12, SCOLS_FL_RIGHT, true,
	  NULL },
	{ "NEW/S", "new_flows_per_second", NULL, "new flows per second", 8, SCOLS_FL_RIGHT,
	  true, NULL },
};

static const struct table_column rule_rate_columns[] = {
	{ "RULE", "name", NULL, "", 0.3, 0, true, NULL },
	{ "PKT/S", "packets_per_second", NULL, "", 10, SCOLS_FL_RIGHT, true, NULL },
	{ "BYTES/S", "bytes_per_second", NULL, "", 12, SCOLS_FL_RIGHT, true, NULL },
};

void stats_print_rates(json_object *root, const struct stats_view *view)
{
	json_object *rules = json_object_object_get(root, "rules");
	json_object *svcs = json_object_object_get(root, "services");
	struct libscols_table *tb = NULL;
	struct table_choice choice;
	size_t i, j;

	print_rate_totals(root);
	table_choose("stats", NULL, rule_rate_columns, 3, &choice);
	for (i = 0; !select_narrows(&view->select) && i < json_object_array_length(rules); i++) {
		json_object *r = json_object_array_get_idx(rules, i);

		if (!moved(r))
			continue;
		tb = tb ?: table_new(&choice, false);
		table_add(tb, &choice, NULL, r, false);
	}
	table_print(tb);
	tb = NULL;
	for (i = 0; i < json_object_array_length(svcs); i++) {
		json_object *s = json_object_array_get_idx(svcs, i);
		json_object *bes = json_object_object_get(s, "backends");
		struct libscols_line *ln;

		if (!moved(s))
			continue;
		tb = tb ?: table_new(&view->choice, true);
		ln = table_add(tb, &view->choice, NULL, s, false);
		for (j = 0; ln && j < json_object_array_length(bes); j++)
			if (moved(json_object_array_get_idx(bes, j)))
				table_add(tb, &view->choice, ln,
					  json_object_array_get_idx(bes, j), true);
	}
	table_print(tb);
	fflush(stdout);
}
