// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Services' answers: packets of a service that one allow rule decides whole skip
 * the classifier, and must come out counted exactly as the classifier would count
 * them; a rule that can tell packets of a service apart keeps them classified.
 */
#include <linux/bpf.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

#define OTHER4	"203.0.113.9"

/* A TCP packet to VIP4:dport; returns the verdict, checks the backend when forwarded. */
static int send_tcp(struct fixture *f, const char *src, uint16_t dport)
{
	struct pkt_spec s = spec_tcp(src, 40000, VIP4, dport);
	struct pkt in, out;
	int v;

	pkt_build(&in, &s);
	v = fx_run(f, &in, &out);
	if (v == XDP_TX)
		assert_forwarded(&in, &out, 1);
	else
		assert_unchanged(&in, &out);
	return v;
}

static uint64_t rule_count(struct fixture *f, uint32_t counter)
{
	return fx_counter(fx_map_fd(f, "rule_stats"), counter).packets;
}

/* rule, then an allow default, with the answers for the web service (id 1). */
static void answered_set(struct fixture *f, const struct sluice_rule *rule)
{
	struct sluice_rule rules[2] = { *rule, fx_rule(SLUICE_ACT_ALLOW,
						      SLUICE_DEFAULT_RULE_COUNTER) };
	struct filter_service web = fx_answer_service(VIP4, 80, IPPROTO_TCP, 1);

	fx_rules_answered(f, rules, 2, &web, 1);
}

/* The global counters add up (stats.h), whatever path a packet took. */
static void assert_add_up(struct fixture *f)
{
	assert_int_equal(fx_stat(f, SLUICE_STAT_RX),
			 fx_stat(f, SLUICE_STAT_FILTER_DROP) + fx_stat(f, SLUICE_STAT_FILTER_PASS));
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS),
			 fx_stat(f, SLUICE_STAT_PASS) + fx_stat(f, SLUICE_STAT_LB_FORWARD));
}

static void test_answered_packet_counted(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule ssh = fx_rule(SLUICE_ACT_DENY, 0);

	fx_web_service(f);
	ssh.dport_lo = ssh.dport_hi = 22;
	answered_set(f, &ssh);
	/* VIP4:80 only meets the default: forwarded, counted by it. */
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_TX);
	assert_int_equal(send_tcp(f, OTHER4, 80), XDP_TX);
	assert_int_equal(rule_count(f, SLUICE_DEFAULT_RULE_COUNTER), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 1).packets, 2);
	/* Again: a flow-table hit takes the same way. */
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_TX);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);
	/* VIP4:22 is no service's: classified, denied. */
	assert_int_equal(send_tcp(f, CLIENT4, 22), XDP_DROP);
	assert_int_equal(rule_count(f, 0), 1);
	assert_int_equal(rule_count(f, SLUICE_DEFAULT_RULE_COUNTER), 3);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), 4);
	assert_add_up(f);
}

/* Rules that match some of the service's packets still apply to them. */
static void test_rules_for_vip_traffic_apply(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule r = fx_rule(SLUICE_ACT_DENY, 2);

	fx_web_service(f);
	fx_rule_src(&r, "198.51.100.0", 24);	/* CLIENT4's */
	answered_set(f, &r);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_DROP);
	assert_int_equal(send_tcp(f, OTHER4, 80), XDP_TX);
	assert_int_equal(rule_count(f, 2), 1);
	assert_int_equal(rule_count(f, SLUICE_DEFAULT_RULE_COUNTER), 1);
	/* A count rule counts every packet it matches, then the default decides. */
	r = fx_rule(SLUICE_ACT_COUNT, 3);
	answered_set(f, &r);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_TX);
	assert_int_equal(rule_count(f, 3), 1);
	assert_int_equal(rule_count(f, SLUICE_DEFAULT_RULE_COUNTER), 2);
	/* A rate limit meters them: one packet of burst, the next is over it. */
	r = fx_rule(SLUICE_ACT_RATE_LIMIT, 4);
	fx_limit(f, 4, 1000000000ULL, 1, false);
	answered_set(f, &r);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_TX);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_RATE_LIMITED), 1);
	assert_int_equal(rule_count(f, 4), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 2);
	assert_add_up(f);
}

/* The answer flips with its rule set: a new set's deny applies at once, and goes. */
static void test_answer_flips_with_rule_set(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule other = fx_rule(SLUICE_ACT_DENY, 0), deny = fx_rule(SLUICE_ACT_DENY, 1);

	fx_web_service(f);
	other.dport_lo = other.dport_hi = 22;
	fx_rule_src(&deny, "198.51.100.0", 24);
	answered_set(f, &other);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_TX);
	answered_set(f, &deny);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_DROP);
	answered_set(f, &other);
	assert_int_equal(send_tcp(f, CLIENT4, 80), XDP_TX);
	assert_int_equal(rule_count(f, 1), 1);
	assert_int_equal(rule_count(f, SLUICE_DEFAULT_RULE_COUNTER), 2);
}

/*
 * The active slot's answer is what decides: with one written over a set that
 * denies everything, the service's packets are not classified (and counted by
 * the counter it names), while other packets still are.
 */
static void test_answer_skips_classifier(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule deny = fx_rule(SLUICE_ACT_DENY, 5);
	struct sluice_filter_header h;
	struct sluice_filter_fixed *fixed = malloc(sizeof(*fixed));
	uint32_t slot;

	assert_non_null(fixed);
	fx_web_service(f);
	answered_set(f, &deny);
	assert_int_equal(send_tcp(f, OTHER4, 80), XDP_DROP);
	slot = fx_root(f) & SLUICE_ROOT_FILTER_SLOT;
	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "filter_headers"), &slot, &h), 0);
	assert_int_equal(h.answers[1], 0);
	h.answers[1] = 7 + 1;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "filter_headers"), &slot, &h,
					     BPF_ANY), 0);
	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "filter_fixed"), &slot, fixed), 0);
	fixed->cells[SLUICE_FIXED_DPORT + 80] |= SLUICE_FILTER_DPORT_ANSWERED;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "filter_fixed"), &slot, fixed,
					     BPF_ANY), 0);
	free(fixed);
	assert_int_equal(send_tcp(f, OTHER4, 80), XDP_TX);
	assert_int_equal(rule_count(f, 7), 1);
	assert_int_equal(rule_count(f, 5), 1);
	assert_int_equal(send_tcp(f, OTHER4, 81), XDP_DROP);
	assert_int_equal(rule_count(f, 5), 2);
	assert_add_up(f);
}

#define ANSWER_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest answer_tests[] = {
	ANSWER_TEST(test_answered_packet_counted),
	ANSWER_TEST(test_rules_for_vip_traffic_apply),
	ANSWER_TEST(test_answer_flips_with_rule_set),
	ANSWER_TEST(test_answer_skips_classifier),
};
const size_t n_answer_tests = sizeof(answer_tests) / sizeof(answer_tests[0]);
