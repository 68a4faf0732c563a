// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A service's answer (filter/filter_answer.h) lets its packets skip the classifier,
 * so it must be exactly what the rules say of every one of them: held against the
 * rule-by-rule verdict over seeded rule sets and the packets of seeded services;
 * hand-made cases pin each reason to classify anyway.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "filter/filter_answer.h"
#include "tests/unit/reference.h"
#include "tests/unit/rulegen.h"

/* A service near the rules: the address, family and port of a packet aimed at one. */
static void random_vip(struct rulegen *g, const struct sluice_rule *rules, size_t n,
		       struct sluice_vip_key *vip)
{
	struct filter_packet pkt;

	rulegen_packet(g, rules, n, &pkt);
	memset(vip, 0, sizeof(*vip));
	memcpy(vip->addr, pkt.dst, sizeof(vip->addr));
	vip->family = pkt.family;
	vip->proto = rulegen_next(g) % 2 ? IPPROTO_TCP : IPPROTO_UDP;
	/* One service in four takes every port. */
	vip->port = rulegen_next(g) % 4 ? htons(pkt.dport ? pkt.dport : 80) : 0;
}

/* A packet the data plane would hand to that service, from anywhere. */
static void packet_of(struct rulegen *g, const struct sluice_rule *rules, size_t n,
		      const struct sluice_vip_key *vip, struct filter_packet *pkt)
{
	rulegen_packet(g, rules, n, pkt);
	pkt->family = vip->family;
	pkt->proto = vip->proto;
	if (vip->family == SLUICE_AF_INET)
		memset(pkt->src + 4, 0, 12);
	memcpy(pkt->dst, vip->addr, sizeof(pkt->dst));
	/* Any-port services also take fragments, with or without ports. */
	pkt->has_ports = vip->port || rulegen_next(g) % 4;
	pkt->sport = (__u16)rulegen_next(g);
	pkt->dport = vip->port ? ntohs(vip->port) : (__u16)rulegen_next(g);
	if (!pkt->has_ports)
		pkt->sport = pkt->dport = 0;
	pkt->detail = vip->proto == IPPROTO_TCP && pkt->has_ports ? (__u8)rulegen_next(g) :
								     SLUICE_FILTER_NO_DETAIL;
}

static void random_sets(size_t n_rules, unsigned int sets, size_t *answered, size_t *not)
{
	struct sluice_rule *rules = calloc(n_rules + 1, sizeof(*rules));

	assert_non_null(rules);
	for (unsigned int s = 0; s < sets; s++) {
		struct rulegen g = { .state = 0xa45e0000 + n_rules * 131 + s };

		rulegen_rules(&g, rules, n_rules, s & 1 ? SLUICE_ACT_DENY : SLUICE_ACT_ALLOW);
		for (unsigned int v = 0; v < 20; v++) {
			struct sluice_vip_key vip;
			__u16 answer;

			random_vip(&g, rules, n_rules, &vip);
			answer = filter_answer_of(rules, n_rules + 1, &vip);
			if (!answer) {
				(*not)++;
				continue;
			}
			(*answered)++;
			for (unsigned int i = 0; i < 300; i++) {
				struct filter_packet pkt;
				__u64 counted;
				__u32 pos;

				packet_of(&g, rules, n_rules, &vip, &pkt);
				pos = reference_verdict(rules, n_rules + 1, &pkt, &counted);
				if (rules[pos].counter + 1 != answer || counted ||
				    rules[pos].action != SLUICE_ACT_ALLOW)
					fail_msg("set %u: answer %u, but a packet of the service meets "
						 "rule %u (action %u, counts %llx)", s, answer - 1U, pos,
						 rules[pos].action, (unsigned long long)counted);
			}
		}
	}
	free(rules);
}

/* Every answer holds for every packet of its service; both outcomes occur. */
static void test_random(void **state)
{
	size_t answered = 0, not = 0;

	(void)state;
	random_sets(10, 100, &answered, &not);
	random_sets(100, 20, &answered, &not);
	random_sets(1000, 2, &answered, &not);
	assert_true(answered > 100);
	assert_true(not > 100);
}

static struct sluice_rule any_rule(__u8 action, __u32 counter)
{
	struct sluice_rule r = {
		.sport_hi = 65535, .dport_hi = 65535, .action = action, .counter = counter,
	};

	return r;
}

static struct sluice_vip_key web(__u16 port)
{
	struct sluice_vip_key vip = {
		.port = htons(port), .proto = IPPROTO_TCP, .family = SLUICE_AF_INET,
	};
	__u8 *a = (__u8 *)vip.addr;

	a[0] = 192;
	a[1] = 0;
	a[2] = 2;
	a[3] = 10;
	return vip;
}

/* rule, then an allow default counted at 99: the service's answer. */
static __u16 answer_after(struct sluice_rule rule)
{
	struct sluice_rule rules[2] = { rule, any_rule(SLUICE_ACT_ALLOW, 99) };
	struct sluice_vip_key vip = web(80);

	return filter_answer_of(rules, 2, &vip);
}

static void test_cases(void **state)
{
	struct sluice_rule r = any_rule(SLUICE_ACT_DENY, 7);
	struct sluice_rule deny_default = any_rule(SLUICE_ACT_DENY, 99);
	struct sluice_vip_key vip = web(80), any_port = web(0);

	(void)state;
	/* Rules about other ports, protocols, families or addresses: the default's. */
	r.dport_lo = r.dport_hi = 22;
	assert_int_equal(answer_after(r), 100);
	r = any_rule(SLUICE_ACT_DENY, 7);
	r.proto = IPPROTO_UDP;
	assert_int_equal(answer_after(r), 100);
	r = any_rule(SLUICE_ACT_DENY, 7);
	r.family = SLUICE_AF_INET6;
	assert_int_equal(answer_after(r), 100);
	r = any_rule(SLUICE_ACT_DENY, 7);
	r.flags = SLUICE_RULE_F_DST;
	r.family = SLUICE_AF_INET;
	((__u8 *)r.dst)[0] = 198;
	r.dst_len = 8;
	assert_int_equal(answer_after(r), 100);
	/* A deny from some sources to the VIP applies to some of its packets. */
	r = any_rule(SLUICE_ACT_DENY, 7);
	r.flags = SLUICE_RULE_F_SRC;
	r.family = SLUICE_AF_INET;
	((__u8 *)r.src)[0] = 10;
	r.src_len = 8;
	assert_int_equal(answer_after(r), 0);
	/* So does a rule on some source ports, or on TCP flags. */
	r = any_rule(SLUICE_ACT_ALLOW, 7);
	r.sport_lo = r.sport_hi = 53;
	assert_int_equal(answer_after(r), 0);
	r = any_rule(SLUICE_ACT_DENY, 7);
	r.tcp_flags = r.tcp_flags_mask = 0x02;
	assert_int_equal(answer_after(r), 0);
	/* A count rule must count, a rate limit must meter, wherever they stand. */
	assert_int_equal(answer_after(any_rule(SLUICE_ACT_COUNT, 7)), 0);
	assert_int_equal(answer_after(any_rule(SLUICE_ACT_RATE_LIMIT, 7)), 0);
	/* An allow rule that takes every packet of the service decides it. */
	r = any_rule(SLUICE_ACT_ALLOW, 7);
	r.flags = SLUICE_RULE_F_DST;
	r.family = SLUICE_AF_INET;
	memcpy(r.dst, vip.addr, sizeof(r.dst));
	r.dst_len = 32;
	r.proto = IPPROTO_TCP;
	r.dport_lo = r.dport_hi = 80;
	assert_int_equal(answer_after(r), 8);
	/* ... but for an any-port service a port rule does not take its fragments. */
	{
		struct sluice_rule rules[2] = { r, any_rule(SLUICE_ACT_ALLOW, 99) };

		assert_int_equal(filter_answer_of(rules, 2, &any_port), 0);
	}
	/* A deny default is never an answer: NDP and health checks are its exceptions. */
	assert_int_equal(filter_answer_of(&deny_default, 1, &vip), 0);
}

/* The answers go into the slot's header, and mark the ports their services take. */
static void test_mark(void **state)
{
	struct sluice_rule rules[2] = { any_rule(SLUICE_ACT_DENY, 7), any_rule(SLUICE_ACT_ALLOW, 99) };
	struct filter_service svcs[3] = {
		{ .id = 5, .vip = web(80) }, { .id = 9, .vip = web(22) }, { .id = 11, .vip = web(0) },
	};
	__u16 *answers = calloc(SLUICE_MAX_SERVICES, sizeof(*answers));
	struct filter_image img;
	struct filter_packet pkt = {
		.family = SLUICE_AF_INET, .proto = IPPROTO_TCP, .has_ports = true,
		.sport = 40000, .dport = 80, .detail = 0x10, .dst = { 192, 0, 2, 10 },
	};
	char err[256];
	__u64 counted;

	(void)state;
	assert_non_null(answers);
	rules[0].dport_lo = rules[0].dport_hi = 22;
	assert_int_equal(filter_answers(rules, 2, svcs, 3, answers), 1);
	assert_int_equal(answers[5], 100);
	assert_int_equal(answers[9], 0);
	assert_int_equal(answers[11], 0);
	assert_int_equal(filter_compile(rules, 2, &img, err, sizeof(err)), 0);
	filter_answers_mark(&img, svcs, 3, answers);
	assert_int_equal(img.header.answers[5], 100);
	assert_true(img.fixed[SLUICE_FIXED_DPORT + 80] & SLUICE_FILTER_DPORT_ANSWERED);
	assert_false(img.fixed[SLUICE_FIXED_DPORT + 22] & SLUICE_FILTER_DPORT_ANSWERED);
	/* The mark leaves the port's class as it was. */
	assert_int_equal(filter_image_classify(&img, &pkt, &counted), 1);
	pkt.dport = 22;
	assert_int_equal(filter_image_classify(&img, &pkt, &counted), 0);
	filter_image_free(&img);
	/* An any-port service with an answer marks every port, and packets without. */
	svcs[2].vip.proto = IPPROTO_UDP;
	rules[0].proto = IPPROTO_TCP;
	assert_int_equal(filter_answers(rules, 2, svcs, 3, answers), 2);
	assert_int_equal(filter_compile(rules, 2, &img, err, sizeof(err)), 0);
	filter_answers_mark(&img, svcs, 3, answers);
	assert_true(img.fixed[SLUICE_FIXED_DPORT + 22] & SLUICE_FILTER_DPORT_ANSWERED);
	assert_true(img.fixed[SLUICE_FIXED_DPORT + SLUICE_FILTER_NO_PORT] &
		    SLUICE_FILTER_DPORT_ANSWERED);
	filter_image_free(&img);
	free(answers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_mark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
