// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The filter stage: first matching rule wins, per-rule counters, before the LB. */
#include <linux/bpf.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

/* Verdict for one packet; the filter never changes a packet, whatever it says. */
static int verdict(struct fixture *f, const struct pkt_spec *s)
{
	struct pkt in, out;
	int v;

	pkt_build(&in, s);
	v = fx_run(f, &in, &out);
	if (v != XDP_TX)
		assert_unchanged(&in, &out);
	return v;
}

static int tcp_verdict(struct fixture *f, const char *src, uint16_t sport, uint16_t dport)
{
	struct pkt_spec s = spec_tcp(src, sport, strchr(src, ':') ? VIP6 : VIP4, dport);

	return verdict(f, &s);
}

/* rule, then the default rule (counter SLUICE_DEFAULT_RULE_COUNTER) with dflt. */
static void rule_then_default(struct fixture *f, const struct sluice_rule *rule, uint8_t dflt)
{
	struct sluice_rule rules[2] = {
		*rule,
		fx_rule(dflt, SLUICE_DEFAULT_RULE_COUNTER),
	};

	fx_rules(f, rules, 2);
}

static void test_no_rule_set_allows(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 22), XDP_PASS);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 0);
}

static void test_deny_by_dport(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	r.dport_lo = r.dport_hi = 22;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 22), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 1);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 23), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT6, 40000, 22), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 1);
}

static void test_dport_range_boundaries(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	r.dport_lo = 1000;
	r.dport_hi = 2000;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 999), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 1000), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 1500), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 2000), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 2001), XDP_PASS);
}

static void test_sport_range_boundaries(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	/* The extremes of the port space: 0 and 65535 must compare right too. */
	r.sport_lo = 0;
	r.sport_hi = 1023;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT4, 0, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 1023, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 1024, 80), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 65535, 80), XDP_PASS);

	r.sport_lo = 65535;
	r.sport_hi = 65535;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT4, 65535, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 65534, 80), XDP_PASS);
}

static void test_src_cidr_v4(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	fx_rule_src(&r, "203.0.113.0", 24);
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, "203.0.112.255", 40000, 80), XDP_PASS);
	assert_int_equal(tcp_verdict(f, "203.0.113.0", 40000, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, "203.0.113.255", 40000, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, "203.0.114.0", 40000, 80), XDP_PASS);
	/* A v4 rule says nothing about v6. */
	assert_int_equal(tcp_verdict(f, "::cb00:7101", 40000, 80), XDP_PASS);
}

static void test_src_cidr_v6(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	fx_rule_src(&r, "2001:db8:abcd::", 48);
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, "2001:db8:abcc:ffff:ffff:ffff:ffff:ffff", 1, 80),
			 XDP_PASS);
	assert_int_equal(tcp_verdict(f, "2001:db8:abcd::", 1, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, "2001:db8:abcd:ffff:ffff:ffff:ffff:ffff", 1, 80),
			 XDP_DROP);
	assert_int_equal(tcp_verdict(f, "2001:db8:abce::", 1, 80), XDP_PASS);
}

static void test_src_cidr_v6_low_half(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	/* A prefix longer than 64 bits: the low half of the address counts too. */
	fx_rule_src(&r, "2001:db8:1:2::", 70);
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, "2001:db8:1:1:ffff:ffff:ffff:ffff", 1, 80), XDP_PASS);
	assert_int_equal(tcp_verdict(f, "2001:db8:1:2::", 1, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, "2001:db8:1:2:3ff:ffff:ffff:ffff", 1, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, "2001:db8:1:2:400::", 1, 80), XDP_PASS);
}

static void test_dst_cidr(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);
	struct pkt_spec inside = spec_tcp(CLIENT4, 40000, "192.0.2.127", 80);
	struct pkt_spec outside = spec_tcp(CLIENT4, 40000, "192.0.2.128", 80);

	fx_rule_dst(&r, "192.0.2.0", 25);
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(verdict(f, &inside), XDP_DROP);
	assert_int_equal(verdict(f, &outside), XDP_PASS);
}

static void test_deny_by_proto(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);
	struct pkt_spec udp = spec_tcp(CLIENT4, 40000, VIP4, 11211);
	struct pkt_spec icmp = spec_tcp(CLIENT6, 0, VIP6, 0);

	r.proto = IPPROTO_UDP;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	udp.proto = IPPROTO_UDP;
	icmp.proto = IPPROTO_ICMPV6;
	assert_int_equal(verdict(f, &udp), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 11211), XDP_PASS);
	assert_int_equal(verdict(f, &icmp), XDP_PASS);

	r.proto = IPPROTO_ICMPV6;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(verdict(f, &icmp), XDP_DROP);
	assert_int_equal(verdict(f, &udp), XDP_PASS);
}

static void test_deny_by_family(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	r.family = SLUICE_AF_INET6;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT6, 40000, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 80), XDP_PASS);
}

static void test_first_match_wins(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule rules[3];

	/* The config sketch's ssh example: admins allowed, everyone else denied. */
	rules[0] = fx_rule(SLUICE_ACT_ALLOW, 0);
	fx_rule_src(&rules[0], "203.0.113.0", 24);
	rules[0].proto = IPPROTO_TCP;
	rules[0].dport_lo = rules[0].dport_hi = 22;
	rules[1] = fx_rule(SLUICE_ACT_DENY, 1);
	rules[1].proto = IPPROTO_TCP;
	rules[1].dport_lo = rules[1].dport_hi = 22;
	rules[2] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, 3);
	assert_int_equal(tcp_verdict(f, "203.0.113.9", 40000, 22), XDP_PASS);
	assert_int_equal(tcp_verdict(f, "198.51.100.9", 40000, 22), XDP_DROP);

	/* The same rules the other way round: the deny now shadows the allow. */
	rules[2] = rules[0];
	rules[0] = rules[1];
	rules[1] = rules[2];
	rules[2] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, 3);
	assert_int_equal(tcp_verdict(f, "203.0.113.9", 40000, 22), XDP_DROP);
}

static void test_default_deny(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_ALLOW, 0);
	struct pkt_spec dns = spec_tcp(CLIENT4, 40000, VIP4, 53);

	r.proto = IPPROTO_TCP;
	r.dport_lo = r.dport_hi = 80;
	rule_then_default(f, &r, SLUICE_ACT_DENY);
	fx_web_service(f);
	dns.proto = IPPROTO_UDP;
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 80), XDP_TX);
	assert_int_equal(verdict(f, &dns), XDP_DROP);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 443), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 2);
}

static void test_rule_counters(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule rules[3];
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 22);
	struct sluice_counter c;
	struct pkt in, out;
	int rule_stats = fx_map_fd(f, "rule_stats");

	/* Counter ids are the control plane's stable ids, not positions. */
	rules[0] = fx_rule(SLUICE_ACT_DENY, 17);
	rules[0].dport_lo = rules[0].dport_hi = 22;
	rules[1] = fx_rule(SLUICE_ACT_ALLOW, 5);
	rules[1].dport_lo = rules[1].dport_hi = 80;
	rules[2] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, 3);

	pkt_build(&in, &s);
	fx_run(f, &in, &out);
	fx_run(f, &in, &out);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 80), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 81), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 82), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 83), XDP_PASS);

	c = fx_counter(rule_stats, 17);
	assert_int_equal(c.packets, 2);
	assert_int_equal(c.bytes, 2 * in.len);
	assert_int_equal(fx_counter(rule_stats, 5).packets, 1);
	assert_int_equal(fx_counter(rule_stats, SLUICE_DEFAULT_RULE_COUNTER).packets, 3);
	assert_int_equal(fx_counter(rule_stats, 0).packets, 0);
	assert_int_equal(fx_counter(rule_stats, 1).packets, 0);
}

static void test_denied_vip_not_forwarded(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	fx_web_service(f);
	fx_rule_src(&r, CLIENT4, 32);
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 80), XDP_DROP);
	assert_int_equal(tcp_verdict(f, "198.51.100.8", 40000, 80), XDP_TX);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 1);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 1).packets, 1);
	assert_int_equal(fx_flow_count(f), 1);
}

static void test_port_rules_need_ports(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);
	struct pkt_spec icmp = spec_tcp(CLIENT4, 0, VIP4, 0);
	struct pkt_spec udp = spec_tcp(CLIENT4, 5000, VIP4, 11211);
	struct pkt whole, first, later, out;

	/* Every port but one: a constraint, though almost no packet escapes it. */
	r.dport_lo = 0;
	r.dport_hi = 65534;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	icmp.proto = IPPROTO_ICMP;
	assert_int_equal(verdict(f, &icmp), XDP_PASS);

	udp.proto = IPPROTO_UDP;
	udp.payload_len = 100;
	pkt_build(&whole, &udp);
	pkt_fragment(&first, &whole, 0, 64, true);
	pkt_fragment(&later, &whole, 64, whole.len - whole.l4_off, false);
	/* The first fragment has the UDP header: the port rule applies to it. */
	assert_int_equal(fx_run(f, &first, &out), XDP_DROP);
	assert_int_equal(fx_run(f, &later, &out), XDP_PASS);
	assert_unchanged(&later, &out);
}

static void test_rule_set_replaced(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);

	r.dport_lo = r.dport_hi = 22;
	rule_then_default(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 22), XDP_DROP);
	/* An apply swaps in a whole new set, here one with more rules. */
	{
		struct sluice_rule rules[3] = {
			fx_rule(SLUICE_ACT_DENY, 1),
			fx_rule(SLUICE_ACT_DENY, 2),
			fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER),
		};

		rules[0].dport_lo = rules[0].dport_hi = 23;
		rules[1].dport_lo = rules[1].dport_hi = 24;
		fx_rules(f, rules, 3);
	}
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 22), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 24), XDP_DROP);
}

static void test_largest_rule_set(void **state)
{
	struct fixture *f = *state;
	size_t n = SLUICE_MAX_RULES + 1, i;
	struct sluice_rule *rules = calloc(n, sizeof(*rules));

	/* Every rule but the default misses; the walk must reach the very last one. */
	assert_non_null(rules);
	for (i = 0; i < n - 1; i++) {
		rules[i] = fx_rule(SLUICE_ACT_ALLOW, i);
		rules[i].dport_lo = rules[i].dport_hi = 1000 + i;
	}
	rules[n - 1] = fx_rule(SLUICE_ACT_DENY, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, n);
	free(rules);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 1000 + SLUICE_MAX_RULES - 1), XDP_PASS);
	assert_int_equal(tcp_verdict(f, CLIENT4, 40000, 999), XDP_DROP);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_stats"), SLUICE_MAX_RULES - 1).packets, 1);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_stats"),
				    SLUICE_DEFAULT_RULE_COUNTER).packets, 1);
}

#define FILTER_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest filter_tests[] = {
	FILTER_TEST(test_no_rule_set_allows),
	FILTER_TEST(test_deny_by_dport),
	FILTER_TEST(test_dport_range_boundaries),
	FILTER_TEST(test_sport_range_boundaries),
	FILTER_TEST(test_src_cidr_v4),
	FILTER_TEST(test_src_cidr_v6),
	FILTER_TEST(test_src_cidr_v6_low_half),
	FILTER_TEST(test_dst_cidr),
	FILTER_TEST(test_deny_by_proto),
	FILTER_TEST(test_deny_by_family),
	FILTER_TEST(test_first_match_wins),
	FILTER_TEST(test_default_deny),
	FILTER_TEST(test_rule_counters),
	FILTER_TEST(test_denied_vip_not_forwarded),
	FILTER_TEST(test_port_rules_need_ports),
	FILTER_TEST(test_rule_set_replaced),
	FILTER_TEST(test_largest_rule_set),
};
const size_t n_filter_tests = sizeof(filter_tests) / sizeof(filter_tests[0]);
