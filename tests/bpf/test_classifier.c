// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The compiled filter in the data plane: TCP flags, ICMP types, count rules, rate
 * limits over a known number of packets, neighbour discovery under a deny default,
 * and 10,000 seeded rules judged packet by packet against the rule-by-rule reference,
 * with the hot tables in the fixed value and in the inner map.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "filter/filter_compile.h"
#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"
#include "tests/unit/rulegen.h"

/* Verdict of a packet whose TCP flags or ICMP type byte is set to detail. */
static int run_detail(struct fixture *f, struct pkt_spec *s, int detail)
{
	struct pkt in, out;

	pkt_build(&in, s);
	if (detail >= 0)
		in.data[in.l4_off + (s->proto == IPPROTO_TCP ? 13 : 0)] = (uint8_t)detail;
	return fx_run(f, &in, &out);
}

static uint64_t rule_hits(struct fixture *f, uint32_t counter)
{
	return fx_counter(fx_map_fd(f, "rule_stats"), counter).packets;
}

static void two_rules(struct fixture *f, const struct sluice_rule *rule, uint8_t dflt)
{
	struct sluice_rule rules[2] = { *rule, fx_rule(dflt, SLUICE_DEFAULT_RULE_COUNTER) };

	fx_rules(f, rules, 2);
}

static void test_tcp_syn_only(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	r.proto = IPPROTO_TCP;
	r.tcp_flags = 0x02;		/* syn/syn|ack */
	r.tcp_flags_mask = 0x12;
	two_rules(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(run_detail(f, &s, 0x02), XDP_DROP);
	assert_int_equal(run_detail(f, &s, 0x12), XDP_PASS);
	assert_int_equal(run_detail(f, &s, 0x10), XDP_PASS);
	assert_int_equal(run_detail(f, &s, 0x03), XDP_DROP);	/* SYN+FIN: FIN not looked at */
	assert_int_equal(rule_hits(f, 0), 2);
}

static void test_icmp_type(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 0);
	struct pkt_spec s = spec_tcp(CLIENT4, 0, VIP4, 0);

	s.proto = IPPROTO_ICMP;
	r.proto = IPPROTO_ICMP;
	r.family = SLUICE_AF_INET;
	r.flags = SLUICE_RULE_F_ICMP_TYPE;
	r.icmp_type = 8;
	two_rules(f, &r, SLUICE_ACT_ALLOW);
	assert_int_equal(run_detail(f, &s, 8), XDP_DROP);
	assert_int_equal(run_detail(f, &s, 0), XDP_PASS);
	/* The same type number in ICMPv6 is another protocol. */
	s = spec_tcp(CLIENT6, 0, VIP6, 0);
	s.proto = IPPROTO_ICMPV6;
	assert_int_equal(run_detail(f, &s, 8), XDP_PASS);
}

/* A count rule counts and lets the next rules decide. */
static void test_count_continues(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule rules[3] = { fx_rule(SLUICE_ACT_COUNT, 4), fx_rule(SLUICE_ACT_DENY, 5),
					fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER) };
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	rules[0].proto = IPPROTO_TCP;
	rules[1].dport_lo = rules[1].dport_hi = 23;
	fx_rules(f, rules, 3);
	assert_int_equal(run_detail(f, &s, -1), XDP_PASS);
	s.dport = 23;
	assert_int_equal(run_detail(f, &s, -1), XDP_DROP);
	s.proto = IPPROTO_UDP;
	assert_int_equal(run_detail(f, &s, -1), XDP_DROP);
	assert_int_equal(rule_hits(f, 4), 2);
	assert_int_equal(rule_hits(f, 5), 2);
	assert_int_equal(rule_hits(f, SLUICE_DEFAULT_RULE_COUNTER), 1);
}

/*
 * Rules on ports alone before, between and after rules naming addresses: a packet
 * settled by ports before the first address rule skips the address lookups (and
 * its action comes with the port result), one settled later still sees every
 * address rule before its own, count rules included.
 */
static void test_port_rules_around_address_rules(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule rules[6];
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 23);
	size_t i;

	for (i = 0; i < 5; i++) {
		rules[i] = fx_rule(SLUICE_ACT_DENY, (uint32_t)i);
		rules[i].proto = IPPROTO_TCP;
	}
	rules[0].dport_lo = rules[0].dport_hi = 23;
	rules[1].action = SLUICE_ACT_COUNT;
	fx_rule_src(&rules[1], "198.51.100.0", 24);
	rules[2].action = SLUICE_ACT_ALLOW;
	rules[2].dport_lo = rules[2].dport_hi = 24;
	fx_rule_dst(&rules[3], VIP4, 32);
	rules[4].action = SLUICE_ACT_ALLOW;
	rules[4].dport_lo = rules[4].dport_hi = 25;
	rules[5] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, 6);

	assert_int_equal(run_detail(f, &s, -1), XDP_DROP);	/* rule 0, nothing counted */
	s.dport = 24;
	assert_int_equal(run_detail(f, &s, -1), XDP_PASS);	/* counted by 1, then 2 */
	s.dport = 25;
	assert_int_equal(run_detail(f, &s, -1), XDP_DROP);	/* the dst rule 3 before 4 */
	s = spec_tcp("203.0.113.9", 40000, "192.0.2.11", 25);
	assert_int_equal(run_detail(f, &s, -1), XDP_PASS);	/* neither address: rule 4 */
	s.dport = 26;
	assert_int_equal(run_detail(f, &s, -1), XDP_PASS);	/* the default */
	assert_int_equal(rule_hits(f, 0), 1);
	assert_int_equal(rule_hits(f, 1), 2);
	assert_int_equal(rule_hits(f, 2), 1);
	assert_int_equal(rule_hits(f, 3), 1);
	assert_int_equal(rule_hits(f, 4), 1);
	assert_int_equal(rule_hits(f, SLUICE_DEFAULT_RULE_COUNTER), 1);
}

/* 100 packets back to back at 1/s with a burst of 10: exactly 10 get through. */
static void test_rate_limit_per_rule(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_RATE_LIMIT, 3);
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 53);
	unsigned int passed = 0;

	s.proto = IPPROTO_UDP;
	r.proto = IPPROTO_UDP;
	r.dport_lo = r.dport_hi = 53;
	fx_limit(f, 3, 1000000000ULL, 10, false);
	two_rules(f, &r, SLUICE_ACT_ALLOW);
	for (int i = 0; i < 100; i++) {
		s.sport = (uint16_t)(1000 + i);		/* many sources share one bucket */
		passed += run_detail(f, &s, -1) == XDP_PASS;
	}
	assert_int_equal(passed, 10);
	assert_int_equal(rule_hits(f, 3), 100);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_limited"), 3).packets, 90);
	assert_int_equal(fx_stat(f, SLUICE_STAT_RATE_LIMITED), 90);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 90);
}

static void test_rate_limit_per_source(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_RATE_LIMIT, 3);
	struct pkt_spec a = spec_tcp("198.51.100.1", 1000, VIP4, 53);
	struct pkt_spec b = spec_tcp("198.51.100.2", 1000, VIP4, 53);
	unsigned int passed_a = 0, passed_b = 0;

	a.proto = b.proto = r.proto = IPPROTO_UDP;
	r.flags = SLUICE_RULE_F_PER_SOURCE;
	fx_limit(f, 3, 1000000000ULL, 5, true);
	two_rules(f, &r, SLUICE_ACT_ALLOW);
	for (int i = 0; i < 20; i++) {
		passed_a += run_detail(f, &a, -1) == XDP_PASS;
		passed_b += run_detail(f, &b, -1) == XDP_PASS;
	}
	assert_int_equal(passed_a, 5);
	assert_int_equal(passed_b, 5);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_limited"), 3).packets, 30);
}

static void set_spare_ndp(struct fixture *f)
{
	uint32_t slot = fx_root(f) & SLUICE_ROOT_FILTER_SLOT;
	struct sluice_filter_header h;

	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "filter_headers"), &slot, &h), 0);
	h.flags |= SLUICE_FILTER_SPARE_NDP;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "filter_headers"), &slot, &h,
					     BPF_ANY), 0);
}

/* A deny default spares neighbour discovery when asked to, and nothing else. */
static void test_deny_default_spares_ndp(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_ALLOW, 0);
	struct pkt_spec s = spec_tcp(CLIENT6, 0, VIP6, 0);

	s.proto = IPPROTO_ICMPV6;
	r.proto = IPPROTO_TCP;
	two_rules(f, &r, SLUICE_ACT_DENY);
	assert_int_equal(run_detail(f, &s, 135), XDP_DROP);
	set_spare_ndp(f);
	assert_int_equal(run_detail(f, &s, 135), XDP_PASS);	/* neighbour solicitation */
	assert_int_equal(run_detail(f, &s, 136), XDP_PASS);	/* neighbour advertisement */
	assert_int_equal(run_detail(f, &s, 128), XDP_DROP);	/* echo request */
	assert_int_equal(rule_hits(f, SLUICE_NDP_RULE_COUNTER), 2);
	/* An explicit deny still wins over the exemption. */
	r = fx_rule(SLUICE_ACT_DENY, 0);
	r.proto = IPPROTO_ICMPV6;
	r.family = SLUICE_AF_INET6;
	two_rules(f, &r, SLUICE_ACT_DENY);
	set_spare_ndp(f);
	assert_int_equal(run_detail(f, &s, 135), XDP_DROP);
}

static void to_text(const struct filter_packet *p, const uint8_t *addr, char *out)
{
	inet_ntop(p->family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET, addr, out, INET6_ADDRSTRLEN);
}

/* The flags of the rule set packets use. */
static uint32_t active_flags(struct fixture *f)
{
	uint32_t slot = fx_root(f) & SLUICE_ROOT_FILTER_SLOT;
	struct sluice_filter_header h;

	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "filter_headers"), &slot, &h), 0);
	return h.flags;
}

/*
 * 10,000 rules denying one TCP or UDP destination port each, from source ports
 * above one of eight bounds, and one denying a single source address: their port
 * tables are too big for the fixed value's hot region, so packets read them (and
 * the address trie's blocks) from the table, and still every port and address
 * gets its own rule's verdict.
 */
static void test_hot_regions_in_the_table(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule *rules = calloc(10002, sizeof(*rules));
	struct pkt_spec s;
	uint32_t i;

	assert_non_null(rules);
	for (i = 0; i < 10000; i++) {
		rules[i] = fx_rule(SLUICE_ACT_DENY, i);
		rules[i].proto = i % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		rules[i].sport_lo = (uint16_t)(1000 + i % 8 * 100);
		rules[i].sport_hi = UINT16_MAX;
		rules[i].dport_lo = rules[i].dport_hi = (uint16_t)(20000 + 2 * i);
	}
	rules[10000] = fx_rule(SLUICE_ACT_DENY, 10000);
	fx_rule_src(&rules[10000], "203.0.113.77", 32);
	rules[10001] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, 10002);
	assert_false(active_flags(f) & SLUICE_FILTER_HOT_FIXED);
	s = spec_tcp("203.0.113.77", 40000, VIP4, 19999);
	assert_int_equal(run_detail(f, &s, -1), XDP_DROP);
	s = spec_tcp("203.0.113.76", 40000, VIP4, 19999);
	assert_int_equal(run_detail(f, &s, -1), XDP_PASS);
	s = spec_tcp("203.0.113.78", 40000, VIP4, 19999);
	assert_int_equal(run_detail(f, &s, -1), XDP_PASS);
	for (i = 0; i < 10000; i += 97) {
		s = spec_tcp(CLIENT4, 40000, VIP4, (uint16_t)(20000 + 2 * i));
		s.proto = rules[i].proto;
		assert_int_equal(run_detail(f, &s, -1), XDP_DROP);
		s.sport = 1050;
		assert_int_equal(run_detail(f, &s, -1), i % 8 ? XDP_PASS : XDP_DROP);
		s.sport = 40000;
		s.dport = (uint16_t)(20001 + 2 * i);
		assert_int_equal(run_detail(f, &s, -1), XDP_PASS);
	}
	assert_int_equal(rule_hits(f, 97), 1);
	free(rules);
}

/* The data plane agrees with the reference rule by rule, at 10,000 rules. */
static void test_ten_thousand_rules_agree(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule *rules = calloc(10001, sizeof(*rules));
	struct rulegen g = { .state = 4242 };
	unsigned int checked = 0;

	assert_non_null(rules);
	rulegen_rules(&g, rules, 10000, SLUICE_ACT_DENY);
	fx_rules(f, rules, 10001);
	/* Small enough port tables: packets read them from the fixed value. */
	assert_true(active_flags(f) & SLUICE_FILTER_HOT_FIXED);
	while (checked < 400) {
		char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
		struct filter_packet p;
		struct pkt_spec s;
		size_t want = 10000;

		rulegen_packet(&g, rules, 10000, &p);
		if (p.proto != IPPROTO_TCP && p.proto != IPPROTO_UDP && p.proto != IPPROTO_ICMP &&
		    p.proto != IPPROTO_ICMPV6)
			continue;
		if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)
			p.has_ports = true;
		if (p.proto == IPPROTO_UDP)
			p.detail = SLUICE_FILTER_NO_DETAIL;
		for (size_t i = 0; i < 10000; i++)
			if (rules[i].action != SLUICE_ACT_COUNT && filter_rule_matches(&rules[i], &p)) {
				want = i;
				break;
			}
		to_text(&p, p.src, src);
		to_text(&p, p.dst, dst);
		s = spec_tcp(src, p.sport, dst, p.dport);
		s.proto = p.proto;
		assert_int_equal(run_detail(f, &s, p.proto == IPPROTO_UDP ? -1 : p.detail),
				 rules[want].action == SLUICE_ACT_DENY ? XDP_DROP : XDP_PASS);
		checked++;
	}
	free(rules);
}

#define CLASSIFIER_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest classifier_tests[] = {
	CLASSIFIER_TEST(test_tcp_syn_only),
	CLASSIFIER_TEST(test_icmp_type),
	CLASSIFIER_TEST(test_count_continues),
	CLASSIFIER_TEST(test_port_rules_around_address_rules),
	CLASSIFIER_TEST(test_rate_limit_per_rule),
	CLASSIFIER_TEST(test_rate_limit_per_source),
	CLASSIFIER_TEST(test_deny_default_spares_ndp),
	CLASSIFIER_TEST(test_ten_thousand_rules_agree),
	CLASSIFIER_TEST(test_hot_regions_in_the_table),
};
const size_t n_classifier_tests = sizeof(classifier_tests) / sizeof(classifier_tests[0]);
