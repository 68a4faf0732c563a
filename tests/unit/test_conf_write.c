// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What `sluice export` prints goes back through the loader: a config written and
 * read again is the same config (all but priorities, positions and comments), and
 * writing it again gives the same text, byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/config.h"
#include "conf/write.h"
#include "tests/one_group.h"

static const char *examples_dir;

static char *written(const struct conf *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(conf_write(f, cfg), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void load_text(const char *text, struct conf *cfg)
{
	char err[CONF_ERR_LEN];

	if (conf_load_buffer("written", text, strlen(text), cfg, err, sizeof(err))) {
		print_error("%s\n--- as written:\n%s\n", err, text);
		fail();
	}
}

/* The loader assigns prefixes whole, padding and all: compare them without it. */
static void clear_padding(struct conf_cidr *c)
{
	struct conf_cidr clean;

	memset(&clean, 0, sizeof(clean));
	memcpy(&clean.addr, &c->addr, sizeof(clean.addr));
	clean.prefix_len = c->prefix_len;
	memcpy(c, &clean, sizeof(clean));
}

/* What the maps keep of a rule: everything but its priority and position. */
static void assert_same_rules(const struct conf_filter *a, const struct conf_filter *b)
{
	assert_int_equal(a->default_action, b->default_action);
	assert_int_equal(a->exempt, b->exempt);
	assert_int_equal(a->n_rules, b->n_rules);
	for (size_t i = 0; i < a->n_rules; i++) {
		struct conf_rule x, y;

		/* memcpy, not assignment: padding must come along to compare whole. */
		memcpy(&x, &a->rules[i], sizeof(x));
		memcpy(&y, &b->rules[i], sizeof(y));

		x.priority = y.priority = 0;
		clear_padding(&x.src);
		clear_padding(&x.dst);
		clear_padding(&y.src);
		clear_padding(&y.dst);
		x.pos = y.pos = (struct conf_pos){ 0 };
		assert_memory_equal(&x, &y, sizeof(x));
	}
}

static void assert_same_services(const struct conf *a, const struct conf *b)
{
	assert_int_equal(a->n_services, b->n_services);
	for (size_t i = 0; i < a->n_services; i++) {
		struct conf_service x, y;

		memcpy(&x, &a->services[i], sizeof(x));
		memcpy(&y, &b->services[i], sizeof(y));
		assert_int_equal(x.n_backends, y.n_backends);
		for (size_t j = 0; j < x.n_backends; j++) {
			struct conf_backend p, q;

			memcpy(&p, &x.backends[j], sizeof(p));
			memcpy(&q, &y.backends[j], sizeof(q));
			p.pos = q.pos = (struct conf_pos){ 0 };
			assert_memory_equal(&p, &q, sizeof(p));
		}
		x.backends = y.backends = NULL;
		clear_padding(&x.encap_src4);
		clear_padding(&x.encap_src6);
		clear_padding(&y.encap_src4);
		clear_padding(&y.encap_src6);
		x.pos = y.pos = x.health.pos = y.health.pos = (struct conf_pos){ 0 };
		assert_memory_equal(&x, &y, sizeof(x));
	}
}

static void assert_round_trip(struct conf *cfg)
{
	struct conf again;
	char *first = written(cfg), *second;

	load_text(first, &again);
	assert_int_equal(again.malformed, cfg->malformed);
	assert_int_equal(again.n_macs, cfg->n_macs);
	for (size_t i = 0; i < cfg->n_macs; i++)
		assert_memory_equal(again.macs[i].addr, cfg->macs[i].addr, 6);
	assert_int_equal(again.flows.size, cfg->flows.size);
	assert_int_equal(again.flows.udp_idle_timeout_s, cfg->flows.udp_idle_timeout_s);
	assert_int_equal(again.flows.new_flow_guard, cfg->flows.new_flow_guard);
	assert_memory_equal(&again.metrics, &cfg->metrics, sizeof(cfg->metrics));
	assert_same_rules(&again.filter, &cfg->filter);
	assert_same_services(&again, cfg);
	second = written(&again);
	assert_string_equal(first, second);
	free(first);
	free(second);
	conf_free(&again);
}

static void round_trip_example(const char *file)
{
	char path[512], err[CONF_ERR_LEN];
	struct conf cfg;

	snprintf(path, sizeof(path), "%s/%s", examples_dir, file);
	if (conf_load_file(path, &cfg, err, sizeof(err))) {
		print_error("%s\n", err);
		fail();
	}
	assert_round_trip(&cfg);
	conf_free(&cfg);
}

static void test_lab_example(void **state)
{
	(void)state;
	round_trip_example("lab.yaml");
}

static void test_edge_example(void **state)
{
	(void)state;
	round_trip_example("edge.yaml");
}

static void test_ipip_example(void **state)
{
	(void)state;
	round_trip_example("ipip-lab.yaml");
}

/* Every key the format has, with values away from their defaults. */
static const char every_key[] =
	"settings: {malformed: drop, macs: ['00:00:5e:00:01:0a', '02:00:00:00:00:01']}\n"
	"metrics: {listen: '[::1]:9444'}\n"
	"flows: {size: 4096, udp_idle_timeout: 0, new_flow_guard: 0}\n"
	"filter:\n"
	"  default: deny\n"
	"  exempt: [management]\n"
	"  rules:\n"
	"    - {proto: udp, sport: 1-2, dport: 53, action: deny}\n"
	"    - {name: fam, src: '::/0', action: count}\n"
	"    - {name: v4, dst: 0.0.0.0/0, proto: tcp, action: allow}\n"
	"    - {name: flags, proto: tcp, tcp_flags: syn|ack, action: count}\n"
	"    - {name: flags2, proto: tcp, tcp_flags: fin/fin|rst|cwr, action: allow}\n"
	"    - {name: ping6, proto: icmpv6, icmp_type: 128, src: 'fd00::/8', action: rate-limit,\n"
	"       rate: 7/h, burst: 3, per: source}\n"
	"    - {name: ping, proto: icmp, icmp_type: echo-reply, action: rate-limit, rate: 9/min}\n"
	"    - {name: first, priority: -5, dst: 192.0.2.0/24, action: deny}\n"
	"services:\n"
	"  - name: http\n"
	"    vip: 192.0.2.10\n"
	"    port: 0\n"
	"    proto: udp\n"
	"    table_size: 251\n"
	"    drain_timeout: 1h\n"
	"    health: {check: http, port: 8080, path: /ok, expect: 204, interval: 5s,\n"
	"             timeout: 2s, rise: 1, fall: 7, established: keep}\n"
	"    backends:\n"
	"      - {addr: 10.0.0.2, weight: 1000000, state: draining}\n"
	"      - {addr: 10.0.0.1, weight: 1}\n"
	"  - name: api\n"
	"    vip: 'fd00::10'\n"
	"    port: 443\n"
	"    proto: tcp\n"
	"    forward: ipip\n"
	"    encap_source: ['fd00:255::/64', 10.255.0.0/24]\n"
	"    health: {check: tcp, port: 443}\n"
	"    backends: [{addr: 'fd00:1::1'}]\n";

static void test_every_key(void **state)
{
	struct conf cfg;

	(void)state;
	load_text(every_key, &cfg);
	assert_round_trip(&cfg);
	conf_free(&cfg);
}

/* Nothing configured is still a config the loader takes. */
static void test_empty(void **state)
{
	struct conf cfg;

	(void)state;
	load_text("", &cfg);
	assert_round_trip(&cfg);
	conf_free(&cfg);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_lab_example),
		cmocka_unit_test(test_edge_example),
		cmocka_unit_test(test_ipip_example),
	};
	const struct test_part parts[] = { { tests, sizeof(tests) / sizeof(tests[0]) } };

	if (argc != 2) {
		fprintf(stderr, "usage: %s EXAMPLES_DIR\n", argv[0]);
		return 2;
	}
	examples_dir = argv[1];
	return run_one_group("conf_write", parts, 1) ? 1 : 0;
}
