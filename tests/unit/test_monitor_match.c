// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice monitor --match EXPR`: what the grammar accepts, the error each mistake
 * gets, and which samples an expression holds for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/bpf.h>

#include <cmocka.h>

#include "cli/monitor_match.h"

/* A TCP (or other proto) sample from src:sport to dst:dport, IPv4 or IPv6 by the text. */
static struct sluice_monitor_event event(uint8_t proto, const char *src, uint16_t sport,
					 const char *dst, uint16_t dport)
{
	struct sluice_monitor_event ev = {0};
	int af = strchr(src, ':') ? AF_INET6 : AF_INET;

	ev.tuple.family = af == AF_INET ? SLUICE_AF_INET : SLUICE_AF_INET6;
	ev.tuple.proto = proto;
	assert_int_equal(inet_pton(af, src, ev.tuple.src), 1);
	assert_int_equal(inet_pton(af, dst, ev.tuple.dst), 1);
	ev.tuple.sport = htons(sport);
	ev.tuple.dport = htons(dport);
	ev.verdict = XDP_DROP;
	ev.reason = SLUICE_STAT_FILTER_DROP;
	ev.rule = 7;
	ev.service = SLUICE_MONITOR_NONE;
	return ev;
}

static bool holds(const char *expr, const struct match_sample *s)
{
	struct monitor_match m;
	char err[256] = "";

	if (monitor_match_parse(expr, &m, err, sizeof(err)))
		fail_msg("'%s' refused: %s", expr, err);
	return monitor_match_eval(&m, s);
}

static void refused(const char *expr, const char *why)
{
	struct monitor_match m;
	char err[256] = "";

	assert_int_equal(monitor_match_parse(expr, &m, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("'%s': expected '%s', got '%s'", expr, why, err);
	assert_int_equal(m.n, 0);
}

static void test_addresses_and_prefixes(void **state)
{
	struct sluice_monitor_event ev = event(IPPROTO_TCP, "10.1.2.3", 40000, "192.0.2.10", 22);
	struct match_sample s = { .ev = &ev, .rule = "deny-ssh" };

	(void)state;
	assert_true(holds("src 10.0.0.0/8", &s));
	assert_true(holds("src 10.1.2.3", &s));
	assert_false(holds("src 10.1.2.4", &s));
	assert_true(holds("src 10.1.2.0/23", &s));
	assert_false(holds("src 11.0.0.0/8", &s));
	assert_true(holds("dst 192.0.2.10/32", &s));
	assert_false(holds("dst 10.0.0.0/8", &s));
	assert_true(holds("host 192.0.2.0/24", &s));
	assert_true(holds("host 10.1.2.3", &s));
	assert_true(holds("src 0.0.0.0/0", &s));
	assert_false(holds("src ::/0", &s));	/* an IPv6 prefix never holds an IPv4 address */
}

static void test_ipv6(void **state)
{
	struct sluice_monitor_event ev = event(IPPROTO_UDP, "2001:db8::5", 5353, "fd00::1", 53);
	struct match_sample s = { .ev = &ev };

	(void)state;
	assert_true(holds("src 2001:db8::/32", &s));
	assert_true(holds("src 2001:db8::5", &s));
	assert_false(holds("src 2001:db9::/32", &s));
	assert_true(holds("dst fd00::/8 and proto udp and dport 53", &s));
	assert_false(holds("src 0.0.0.0/0", &s));
}

static void test_ports_and_protocols(void **state)
{
	struct sluice_monitor_event ev = event(IPPROTO_TCP, "10.0.0.2", 40000, "10.0.0.1", 80);
	struct sluice_monitor_event icmp = event(IPPROTO_ICMP, "10.0.0.2", 0, "10.0.0.1", 0);
	struct match_sample s = { .ev = &ev }, si = { .ev = &icmp };

	(void)state;
	assert_true(holds("dport 80", &s));
	assert_false(holds("dport 81", &s));
	assert_true(holds("dport 1-1024", &s));
	assert_true(holds("sport 40000-40000", &s));
	assert_true(holds("port 80", &s));
	assert_true(holds("port 40000", &s));
	assert_false(holds("port 443", &s));
	assert_true(holds("proto tcp", &s));
	assert_true(holds("proto 6", &s));
	assert_false(holds("proto udp", &s));
	/* ICMP has no ports: a port term never holds, "not" of one always does. */
	assert_false(holds("port 0", &si));
	assert_true(holds("not dport 0", &si));
	assert_true(holds("proto icmp", &si));
}

static void test_sluice_names(void **state)
{
	struct sluice_monitor_event ev = event(IPPROTO_TCP, "10.0.0.2", 40000, "192.0.2.10", 80);
	struct sluice_backend be = { .family = SLUICE_AF_INET };
	struct match_sample s = { .ev = &ev, .service = "web", .backend = &be };

	(void)state;
	ev.verdict = XDP_TX;
	ev.reason = SLUICE_STAT_LB_FORWARD;
	ev.rule = SLUICE_MONITOR_NONE;
	ev.service = 3;
	ev.backend = 5;
	assert_int_equal(inet_pton(AF_INET, "10.200.0.11", be.addr), 1);
	assert_true(holds("service web", &s));
	assert_false(holds("service dns", &s));
	assert_false(holds("rule web", &s));	/* a forwarded packet names no rule */
	assert_true(holds("backend 10.200.0.11", &s));
	assert_false(holds("backend 10.200.0.12", &s));
	assert_true(holds("verdict tx", &s));
	assert_false(holds("verdict drop", &s));
	assert_true(holds("reason lb_forward", &s));
	assert_false(holds("reason filter_drop", &s));
	s.service = NULL;
	s.rule = "deny-ssh";
	ev.verdict = XDP_DROP;
	ev.reason = SLUICE_STAT_FILTER_DROP;
	assert_true(holds("rule deny-ssh and verdict drop", &s));
	assert_false(holds("service web", &s));
}

static void test_and_binds_tighter_than_or(void **state)
{
	struct sluice_monitor_event ev = event(IPPROTO_TCP, "10.0.0.2", 40000, "10.0.0.1", 22);
	struct match_sample s = { .ev = &ev, .rule = "deny-ssh" };

	(void)state;
	assert_true(holds("dport 80 or dport 22", &s));
	assert_true(holds("dport 22 or dport 80", &s));
	assert_false(holds("dport 80 or dport 443", &s));
	assert_true(holds("dport 80 and src 1.0.0.0/8 or rule deny-ssh", &s));
	assert_true(holds("rule deny-ssh or dport 80 and src 1.0.0.0/8", &s));
	assert_false(holds("dport 22 and src 1.0.0.0/8 or dport 80", &s));
	assert_true(holds("not src 192.168.0.0/16 and not proto udp", &s));
	assert_false(holds("not dport 22", &s));
	assert_false(holds("dport 22 and not rule deny-ssh", &s));
}

static void test_mistakes_say_what_is_wrong(void **state)
{
	(void)state;
	refused("", "the expression is empty");
	refused("   ", "the expression is empty");
	refused("srcc 10.0.0.0/8", "'srcc' is not a field; did you mean 'src'?");
	refused("frobnicate 1", "'frobnicate' is not a field (one of: src dst host sport dport");
	refused("src", "'src' needs a value");
	refused("src 10.0.0.300", "src '10.0.0.300' is not an IPv4 or IPv6 address or prefix");
	refused("src 10.0.0.1/8", "src '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?");
	refused("dst 10.0.0.0/33", "the prefix length must be a number 0..32");
	refused("dport 65536", "dport '65536' is not a port 0..65535 or a range LO-HI");
	refused("dport http", "dport 'http' is not a port");
	refused("port 90-80", "port '90-80' is not a port");
	refused("sport -1", "sport '-1' is not a port");
	refused("proto tpc", "'tpc' is not a protocol; did you mean 'tcp'?");
	refused("proto 256", "proto '256' is not a protocol number 0..255");
	refused("verdict dorp", "'dorp' is not a verdict; did you mean 'drop'?");
	refused("reason no_backend", "is not a reason");
	refused("backend 10.0.0.0/24", "backend '10.0.0.0/24' must be one address, not a prefix");
	refused("dport 80 src 10.0.0.0/8", "expected 'and' or 'or' before 'src'");
	refused("dport 80 and", "the expression ends with 'and' or 'or'");
	refused("dport 80 or", "the expression ends with 'and' or 'or'");
	refused("not", "'not' needs a term after it");
	refused("and dport 80", "'and' is not a field");
	refused("rule aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"is longer than 47 characters");
}

static void test_term_limit(void **state)
{
	char expr[2048] = "dport 1";
	int i;

	(void)state;
	for (i = 1; i < MATCH_TERMS_MAX; i++)
		strcat(expr, " or dport 1");
	{
		struct monitor_match m;
		char err[256];

		assert_int_equal(monitor_match_parse(expr, &m, err, sizeof(err)), 0);
		assert_int_equal(m.n, MATCH_TERMS_MAX);
	}
	strcat(expr, " or dport 1");
	refused(expr, "more than 32 terms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses_and_prefixes),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ports_and_protocols),
		cmocka_unit_test(test_sluice_names),
		cmocka_unit_test(test_and_binds_tighter_than_or),
		cmocka_unit_test(test_mistakes_say_what_is_wrong),
		cmocka_unit_test(test_term_limit),
	};

	return cmocka_run_group_tests_name("monitor_match", tests, NULL, NULL) ? 1 : 0;
}
