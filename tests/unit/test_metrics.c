// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The Prometheus exposition without a kernel: the histogram's buckets, escaping,
 * and the renderer on a made-up live state and snapshot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "metrics/histogram.h"
#include "metrics/prom.h"
#include "metrics/render.h"

/* What fn writes to a stream, into *text (malloc'ed). */
static void capture(void (*fn)(FILE *out, void *ctx), void *ctx, char **text)
{
	size_t len = 0;
	FILE *out;

	*text = NULL;
	out = open_memstream(text, &len);
	assert_non_null(out);
	fn(out, ctx);
	assert_int_equal(fclose(out), 0);
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("missing \"%s\" in:\n%s", line, text);
}

static void write_latency(FILE *out, void *ctx)
{
	struct prom_label l = { "service", "web" };

	prom_family(out, "sluice_health_check_seconds", "histogram", "Health-check latency.");
	histogram_write(out, "sluice_health_check_seconds", &l, 1, ctx);
}

static void test_histogram_buckets(void **state)
{
	static const double bounds[] = { 0.005, 0.01, 0.1, 1 };
	struct histogram h;
	char *text;

	(void)state;
	assert_int_equal(histogram_init(&h, bounds, 4), 0);
	histogram_observe(&h, 0.001);
	histogram_observe(&h, 0.005);	/* on a bound: in it (le) */
	histogram_observe(&h, 0.05);
	histogram_observe(&h, 2.5);	/* above every bound: only +Inf */
	capture(write_latency, &h, &text);
	assert_has(text, "# TYPE sluice_health_check_seconds histogram\n");
	assert_has(text, "sluice_health_check_seconds_bucket{service=\"web\",le=\"0.005\"} 2\n");
	assert_has(text, "sluice_health_check_seconds_bucket{service=\"web\",le=\"0.01\"} 2\n");
	assert_has(text, "sluice_health_check_seconds_bucket{service=\"web\",le=\"0.1\"} 3\n");
	assert_has(text, "sluice_health_check_seconds_bucket{service=\"web\",le=\"1\"} 3\n");
	assert_has(text, "sluice_health_check_seconds_bucket{service=\"web\",le=\"+Inf\"} 4\n");
	assert_has(text, "sluice_health_check_seconds_sum{service=\"web\"} 2.556\n");
	assert_has(text, "sluice_health_check_seconds_count{service=\"web\"} 4\n");
	free(text);
}

static void test_histogram_bounds_refused(void **state)
{
	static const double descending[] = { 1, 0.5 }, repeated[] = { 1, 1 };
	double many[HISTOGRAM_MAX_BOUNDS + 1];
	struct histogram h;
	size_t i;

	(void)state;
	for (i = 0; i < HISTOGRAM_MAX_BOUNDS + 1; i++)
		many[i] = (double)i;
	assert_int_equal(histogram_init(&h, descending, 2), -1);
	assert_int_equal(histogram_init(&h, repeated, 2), -1);
	assert_int_equal(histogram_init(&h, many, 0), -1);
	assert_int_equal(histogram_init(&h, many, HISTOGRAM_MAX_BOUNDS + 1), -1);
	assert_int_equal(histogram_init(&h, many, HISTOGRAM_MAX_BOUNDS), 0);
}

static void write_escaped(FILE *out, void *ctx)
{
	struct prom_label l[] = { { "rule", "a \"quoted\\ name\nx" } };

	(void)ctx;
	prom_family(out, "sluice_x_total", "counter", "Help with \\ and\nnewline.");
	prom_count(out, "sluice_x_total", l, 1, 18446744073709551615ULL);
	prom_value(out, "sluice_y_seconds_total", NULL, 0, 0.1);
}

static void test_escaping_and_numbers(void **state)
{
	char *text;

	(void)state;
	capture(write_escaped, NULL, &text);
	assert_string_equal(text,
		"# HELP sluice_x_total Help with \\\\ and\\nnewline.\n"
		"# TYPE sluice_x_total counter\n"
		"sluice_x_total{rule=\"a \\\"quoted\\\\ name\\nx\"} 18446744073709551615\n"
		"sluice_y_seconds_total 0.1\n");
	free(text);
}

/* A node with one service of two backends, one rule and the default. */
struct fake {
	struct live_state live;
	struct counters_snapshot snap;
	struct metrics_source src;
};

static struct fake *fake_node(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct live_service *s;

	assert_non_null(f);
	s = &f->live.services[0];
	f->live.n_services = 1;
	s->val.id = 3;
	s->key.family = SLUICE_AF_INET;
	s->key.addr[0] = htonl(0xc000020a);	/* 192.0.2.10 */
	s->key.port = htons(80);
	s->key.proto = 6;
	snprintf(s->meta.name, sizeof(s->meta.name), "web");
	for (__u32 id = 1; id <= 2; id++) {
		f->live.backends[id].flags = SLUICE_BACKEND_F_LIVE;
		f->live.backends[id].family = SLUICE_AF_INET;
		f->live.backends[id].addr[0] = htonl(0x0ac8000a + id);	/* 10.200.0.11, 12 */
		f->live.backends[id].service_id = 3;
		f->snap.backends[id].traffic = (struct sluice_counter){ 10 * id, 1000 * id };
		f->snap.backends[id].new_flows = id;
		f->snap.backends[id].active_flows = id;
	}
	f->snap.services[3] = (struct counters_lb){ { 30, 3000 }, 3, 3 };
	f->live.n_rules = 2;
	f->live.rules[0] = (struct sluice_rule){ .counter = 5, .action = SLUICE_ACT_RATE_LIMIT };
	f->live.rules[1] = (struct sluice_rule){ .counter = 6, .action = SLUICE_ACT_ALLOW };
	snprintf(f->live.rule_meta[5].name, SLUICE_NAME_LEN, "syn-flood");
	snprintf(f->live.rule_meta[6].name, SLUICE_NAME_LEN, "(default)");
	f->snap.rules[5] = (struct sluice_counter){ 7, 700 };
	f->snap.rule_limited[5] = (struct sluice_counter){ 2, 200 };
	f->snap.global[SLUICE_STAT_LB_FORWARD] = (struct sluice_counter){ 30, 3000 };
	f->snap.global[SLUICE_STAT_FILTER_DROP] = (struct sluice_counter){ 4, 240 };
	f->snap.with_flows = true;
	f->snap.flow_entries = 5;
	f->snap.flow_size = 65536;
	f->snap.program = (struct counters_program){ true, 42, 1500000000, 1000 };
	f->src = (struct metrics_source){ "eth0", &f->live, &f->snap };
	return f;
}

static void write_extra(FILE *out, void *ctx)
{
	(void)ctx;
	prom_family(out, "sluice_reloads_total", "counter", "Reloads by result.");
	prom_count(out, "sluice_reloads_total", &(struct prom_label){ "result", "ok" }, 1, 2);
}

static void write_node(FILE *out, void *ctx)
{
	struct metrics_extra extra = { write_extra, NULL };

	metrics_render(out, &((struct fake *)ctx)->src, 1, &extra);
}

static void test_render(void **state)
{
	struct fake *f = fake_node();
	char *text;

	(void)state;
	capture(write_node, f, &text);
	assert_has(text, "# TYPE sluice_packets_total counter\n");
	assert_has(text, "sluice_packets_total{interface=\"eth0\",counter=\"lb_forward\"} 30\n");
	assert_has(text, "sluice_bytes_total{interface=\"eth0\",counter=\"lb_forward\"} 3000\n");
	assert_has(text, "sluice_dropped_packets_total{interface=\"eth0\",reason=\"filter_drop\"} 4\n");
	assert_has(text, "sluice_rule_packets_total{interface=\"eth0\",rule=\"syn-flood\"} 7\n");
	assert_has(text, "sluice_rule_packets_total{interface=\"eth0\",rule=\"(default)\"} 0\n");
	assert_has(text, "sluice_rule_limited_packets_total{interface=\"eth0\",rule=\"syn-flood\"} 2\n");
	assert_has(text, "sluice_service_packets_total{interface=\"eth0\",service=\"web\","
		   "vip=\"192.0.2.10:80/tcp\"} 30\n");
	assert_has(text, "sluice_service_active_flows{interface=\"eth0\",service=\"web\","
		   "vip=\"192.0.2.10:80/tcp\"} 3\n");
	assert_has(text, "sluice_backend_bytes_total{interface=\"eth0\",service=\"web\","
		   "vip=\"192.0.2.10:80/tcp\",backend=\"10.200.0.12\"} 2000\n");
	assert_has(text, "sluice_backend_new_flows_total{interface=\"eth0\",service=\"web\","
		   "vip=\"192.0.2.10:80/tcp\",backend=\"10.200.0.11\"} 1\n");
	assert_has(text, "sluice_flow_table_entries{interface=\"eth0\"} 5\n");
	assert_has(text, "sluice_flow_table_size{interface=\"eth0\"} 65536\n");
	assert_has(text, "sluice_program_run_seconds_total{interface=\"eth0\"} 1.5\n");
	assert_has(text, "sluice_program_runs_total{interface=\"eth0\"} 1000\n");
	/* The caller's families come last. */
	assert_has(text, "sluice_program_runs_total{interface=\"eth0\"} 1000\n"
		   "# HELP sluice_reloads_total Reloads by result.\n");
	/* Only rate-limit rules have a limited share. */
	assert_null(strstr(text, "sluice_rule_limited_packets_total{interface=\"eth0\",rule=\"(default)\"}"));
	free(text);
	free(f);
}

/* Two interfaces: each family once, a sample of each. */
static void write_two(FILE *out, void *ctx)
{
	struct fake *f = ctx;
	struct metrics_source src[2] = { f->src, f->src };

	src[1].ifname = "eth1";
	metrics_render(out, src, 2, NULL);
}

static void test_render_two_interfaces(void **state)
{
	struct fake *f = fake_node();
	char *text, *first;

	(void)state;
	capture(write_two, f, &text);
	first = strstr(text, "# TYPE sluice_flow_table_size gauge\n");
	assert_non_null(first);
	assert_null(strstr(first + 1, "# TYPE sluice_flow_table_size gauge\n"));
	assert_has(text, "sluice_flow_table_size{interface=\"eth0\"} 65536\n"
		   "sluice_flow_table_size{interface=\"eth1\"} 65536\n");
	free(text);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_histogram_buckets),
		cmocka_unit_test(test_histogram_bounds_refused),
		cmocka_unit_test(test_escaping_and_numbers),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_two_interfaces),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL) ? 1 : 0;
}
