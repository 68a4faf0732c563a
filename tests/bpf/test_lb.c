// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Load balancing: VIP lookup, flow table, Maglev slot choice, l2dsr forwarding. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

static void test_vip_v4_forwarded(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct sluice_counter c;
	struct pkt in, out;

	fx_web_service(f);
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);

	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_PASS), 0);
	c = fx_counter(fx_map_fd(f, "service_stats"), 1);
	assert_int_equal(c.packets, 1);
	assert_int_equal(c.bytes, in.len);
	c = fx_counter(fx_map_fd(f, "backend_stats"), 1);
	assert_int_equal(c.packets, 1);
	assert_int_equal(c.bytes, in.len);
}

static void test_vip_v6_forwarded(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT6, 40000, VIP6, 443);
	const uint32_t seven = 7;
	struct pkt in, out;

	fx_service(f, VIP6, 443, IPPROTO_TCP, 3, 5, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 5, SLUICE_TABLE_SIZE_MIN, &seven, 1);
	fx_backend(f, 7, 1, true);
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 7);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 3).packets, 1);
	assert_int_equal(fx_counter(fx_map_fd(f, "backend_stats"), 7).packets, 1);
}

static void check_tagged(struct fixture *f, const struct pkt_vlan *tags, unsigned int n)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt in, out;

	fx_web_service(f);
	memcpy(s.vlans, tags, n * sizeof(*tags));
	s.n_vlans = n;
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	/* The tags are part of what must come out untouched. */
	assert_forwarded(&in, &out, 1);
}

static void test_vlan_vip_forwarded(void **state)
{
	const struct pkt_vlan tags[] = { { ETH_P_8021Q, 100 } };

	check_tagged(*state, tags, 1);
}

static void test_qinq_vip_forwarded(void **state)
{
	const struct pkt_vlan tags[] = { { ETH_P_8021AD, 10 }, { ETH_P_8021Q, 200 } };

	check_tagged(*state, tags, 2);
}

static void test_qinq_v6_vip_forwarded(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT6, 40000, VIP6, 443);
	const uint32_t two = 2;
	struct pkt in, out;

	fx_service(f, VIP6, 443, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	fx_backend(f, 2, 1, true);
	s.n_vlans = 2;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021Q, 1 };
	s.vlans[1] = (struct pkt_vlan){ ETH_P_8021Q, 4094 };
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 2);
}

static void check_passes(struct fixture *f, const struct pkt_spec *s)
{
	uint64_t before = fx_stat(f, SLUICE_STAT_PASS);
	struct pkt in, out;

	pkt_build(&in, s);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_PASS), before + 1);
}

static void test_non_vip_passes(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec other_port = spec_tcp(CLIENT4, 40000, VIP4, 81);
	struct pkt_spec other_addr = spec_tcp(CLIENT4, 40000, "192.0.2.11", 80);
	struct pkt_spec udp = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt_spec icmp = spec_tcp(CLIENT4, 0, VIP4, 0);
	struct pkt_spec v6 = spec_tcp(CLIENT6, 40000, "::ffff:192.0.2.10", 80);

	fx_web_service(f);
	udp.proto = IPPROTO_UDP;
	icmp.proto = IPPROTO_ICMP;
	check_passes(f, &other_port);
	check_passes(f, &other_addr);
	check_passes(f, &udp);
	check_passes(f, &icmp);
	check_passes(f, &v6);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
	assert_int_equal(fx_flow_count(f), 0);
}

static void test_udp_service(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec dns = spec_tcp(CLIENT4, 5353, VIP4, 53);
	struct pkt_spec tcp = spec_tcp(CLIENT4, 5353, VIP4, 53);
	const uint32_t four = 4;
	struct pkt in, out;

	fx_service(f, VIP4, 53, IPPROTO_UDP, 2, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &four, 1);
	fx_backend(f, 4, 1, true);
	dns.proto = IPPROTO_UDP;
	pkt_build(&in, &dns);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 4);
	check_passes(f, &tcp);
}

static void test_any_port_service(void **state)
{
	struct fixture *f = *state;
	const uint32_t one = 1, two = 2;
	struct pkt in, out;
	uint16_t port;

	/* VIP4:80 goes to backend 1, every other port of VIP4 to backend 2. */
	fx_web_service(f);
	fx_service(f, VIP4, 0, IPPROTO_TCP, 2, 1, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 1, SLUICE_TABLE_SIZE_MIN, &two, 1);
	fx_backend(f, 2, 1, true);
	fx_settings(f, SLUICE_MALFORMED_PASS, 1);

	for (port = 1; port < 1000; port += 111) {
		struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, port);

		pkt_build(&in, &s);
		assert_int_equal(fx_run(f, &in, &out), XDP_TX);
		assert_forwarded(&in, &out, port == 80 ? one : two);
	}
	{
		struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

		pkt_build(&in, &s);
		assert_int_equal(fx_run(f, &in, &out), XDP_TX);
		assert_forwarded(&in, &out, one);
	}
}

static void test_any_port_needs_setting(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 8080);
	const uint32_t two = 2;

	/* The control plane announces port-0 services; until then none is looked up. */
	fx_service(f, VIP4, 0, IPPROTO_TCP, 2, 1, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 1, SLUICE_TABLE_SIZE_MIN, &two, 1);
	fx_backend(f, 2, 1, true);
	check_passes(f, &s);
}

static void test_flow_survives_table_change(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec old_flow = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt_spec new_flow = spec_tcp(CLIENT4, 40001, VIP4, 80);
	const uint32_t two = 2;
	struct pkt in, out;

	fx_web_service(f);
	fx_backend(f, 2, 1, true);
	pkt_build(&in, &old_flow);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);

	/* The control plane replaces the table: everything now maps to backend 2. */
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);

	pkt_build(&in, &new_flow);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 2);
	assert_int_equal(fx_flow_count(f), 2);
}

static void test_flow_entry_content(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT6, 40000, VIP6, 443);
	struct sluice_flow_key key;
	struct sluice_flow flow;
	const uint32_t nine = 9;
	struct pkt in, out;

	fx_service(f, VIP6, 443, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &nine, 1);
	fx_backend(f, 9, 42, true);
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);

	memset(&key, 0, sizeof(key));
	memcpy(key.src, in.data + in.l3_off + 8, 16);
	memcpy(key.dst, in.data + in.l3_off + 24, 16);
	key.sport = htons(40000);
	key.dport = htons(443);
	key.proto = IPPROTO_TCP;
	key.family = SLUICE_AF_INET6;
	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "flows"), &key, &flow), 0);
	assert_int_equal(flow.backend_id, 9);
	assert_int_equal(flow.backend_gen, 42);
}

/* A flow pinned to backend 1, which then gets gen and live; the table now says 2. */
static void check_stale(struct fixture *f, uint32_t gen, bool live)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	const uint32_t two = 2;
	struct pkt in, out;

	fx_web_service(f);
	fx_backend(f, 2, 1, true);
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);

	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	fx_backend(f, 1, gen, live);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_STALE), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 0);

	/* Re-hashed and re-pinned: the next packet is a plain hit on backend 2. */
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);
}

static void test_stale_flow_new_generation(void **state)
{
	/* Backend id 1 freed and handed to a new backend. */
	check_stale(*state, 2, true);
}

static void test_stale_flow_backend_gone(void **state)
{
	check_stale(*state, 1, false);
}

static void check_no_backend(struct fixture *f)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt in, out;

	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_DROP);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_BACKEND), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 1).packets, 1);
	assert_int_equal(fx_flow_count(f), 0);
}

static void test_empty_table_drops(void **state)
{
	struct fixture *f = *state;

	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, NULL, 0);
	check_no_backend(f);
}

static void test_missing_table_drops(void **state)
{
	struct fixture *f = *state;

	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	check_no_backend(f);
}

static void test_table_to_dead_backend_drops(void **state)
{
	struct fixture *f = *state;
	const uint32_t three = 3;

	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &three, 1);
	fx_backend(f, 3, 1, false);
	check_no_backend(f);
}

static void test_unknown_forward_mode_passes(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct sluice_service svc = {
		.id = 1,
		.table_slot = 0,
		.table_size = SLUICE_TABLE_SIZE_MIN,
		.forward = SLUICE_FWD_IPIP + 1,
	};

	fx_web_service(f);
	fx_service_value(f, VIP4, 80, IPPROTO_TCP, &svc);
	check_passes(f, &s);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
}

/* Backend ids by slot: 1..n repeating, so every backend owns 1/n of the slots. */
static void spread_table(struct fixture *f, uint32_t n)
{
	uint32_t ids[16], i;

	assert_true(n <= 16);
	for (i = 0; i < n; i++) {
		ids[i] = i + 1;
		fx_backend(f, i + 1, 1, true);
	}
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, ids, n);
}

static void test_flows_spread_over_backends(void **state)
{
	struct fixture *f = *state;
	unsigned int hits[3] = {0}, i;
	struct pkt in, out;

	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	spread_table(f, 2);
	/* Consecutive source ports, the usual pattern of one client's connections. */
	for (i = 0; i < 400; i++) {
		struct pkt_spec s = spec_tcp(CLIENT4, 32768 + i, VIP4, 80);

		pkt_build(&in, &s);
		assert_int_equal(fx_run(f, &in, &out), XDP_TX);
		hits[backend_of(&out)]++;
	}
	/* Binomial(400, 1/2): 40% to 60% holds with overwhelming probability. */
	assert_in_range(hits[1], 160, 240);
	assert_in_range(hits[2], 160, 240);
}

/* Whole datagram from src, then its first and second fragment: same backend. */
static uint32_t check_fragments(struct fixture *f, const char *src, const char *vip)
{
	struct pkt_spec s = spec_tcp(src, 5000, vip, 4789);
	struct pkt whole, first, second, out;
	uint32_t id;

	s.proto = IPPROTO_UDP;
	s.payload_len = 200;
	pkt_build(&whole, &s);
	pkt_fragment(&first, &whole, 0, 96, true);
	pkt_fragment(&second, &whole, 96, whole.len - whole.l4_off, false);

	assert_int_equal(fx_run(f, &first, &out), XDP_TX);
	id = backend_of(&out);
	assert_forwarded(&first, &out, id);
	assert_int_equal(fx_run(f, &second, &out), XDP_TX);
	assert_forwarded(&second, &out, id);
	return id;
}

static void check_fragments_spread(struct fixture *f, const char *vip, const char *fmt)
{
	unsigned int i, used = 0;
	bool seen[9] = {false};
	char src[64];

	fx_service(f, vip, 0, IPPROTO_UDP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_settings(f, SLUICE_MALFORMED_PASS, 1);
	spread_table(f, 8);
	for (i = 0; i < 32; i++) {
		snprintf(src, sizeof(src), fmt, i + 1);
		seen[check_fragments(f, src, vip)] = true;
	}
	for (i = 1; i <= 8; i++)
		used += seen[i];
	/* Different clients do not all land on one backend: the hash saw the address. */
	assert_true(used > 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FRAGMENT), 64);
	/* Fragments neither use nor fill the flow table. */
	assert_int_equal(fx_flow_count(f), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 0);
}

static void test_fragments_v4_same_backend(void **state)
{
	check_fragments_spread(*state, VIP4, "198.51.100.%u");
}

static void test_fragments_v6_same_backend(void **state)
{
	check_fragments_spread(*state, VIP6, "2001:db8:c::%x");
}

static void test_fragments_for_port_service_pass(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 5000, VIP4, 80);
	struct pkt whole, first, second, out;

	/* Only a port-80 service: a later fragment cannot be told to be for port 80. */
	fx_web_service(f);
	fx_settings(f, SLUICE_MALFORMED_PASS, 1);
	s.payload_len = 200;
	pkt_build(&whole, &s);
	pkt_fragment(&first, &whole, 0, 96, true);
	pkt_fragment(&second, &whole, 96, whole.len - whole.l4_off, false);
	assert_int_equal(fx_run(f, &first, &out), XDP_PASS);
	assert_unchanged(&first, &out);
	assert_int_equal(fx_run(f, &second, &out), XDP_PASS);
	assert_unchanged(&second, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_PASS), 2);
}

static void test_counters_add_up(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec vip = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt_spec denied = spec_tcp(CLIENT4, 40000, VIP4, 22);
	struct pkt_spec other = spec_tcp(CLIENT4, 40000, "192.0.2.99", 80);
	struct pkt_spec empty = spec_tcp(CLIENT4, 40000, VIP6, 80);
	struct sluice_rule rules[2];
	const uint8_t mac[6] = CLIENT_MAC, other_mac[6] = OTHER_MAC;
	struct pkt in, out;
	uint64_t bytes = 0;
	int i;

	fx_web_service(f);
	fx_service(f, VIP6, 80, IPPROTO_TCP, 2, 1, SLUICE_TABLE_SIZE_MIN);
	rules[0] = fx_rule(SLUICE_ACT_DENY, 0);
	rules[0].dport_lo = rules[0].dport_hi = 22;
	rules[1] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	fx_rules(f, rules, 2);
	empty.src = CLIENT6;

	pkt_build_arp(&in, mac);			/* non-IP */
	fx_run(f, &in, &out);
	bytes += in.len;
	pkt_build(&in, &vip);
	in.len = in.l4_off + 10;			/* malformed */
	fx_run(f, &in, &out);
	bytes += in.len;
	for (i = 0; i < 3; i++) {			/* forwarded: a miss, then hits */
		pkt_build(&in, &vip);
		fx_run(f, &in, &out);
		bytes += in.len;
	}
	pkt_build(&in, &denied);			/* filter drop */
	fx_run(f, &in, &out);
	bytes += in.len;
	pkt_build(&in, &other);				/* not a VIP */
	fx_run(f, &in, &out);
	bytes += in.len;
	pkt_build(&in, &empty);				/* VIP without a table */
	fx_run(f, &in, &out);
	bytes += in.len;
	memcpy(vip.dst_mac, other_mac, 6);		/* another host's */
	pkt_build(&in, &vip);
	fx_run(f, &in, &out);
	bytes += in.len;

	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), 9);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST) + fx_stat(f, SLUICE_STAT_NON_IP) +
			 fx_stat(f, SLUICE_STAT_MALFORMED) + fx_stat(f, SLUICE_STAT_FILTER_DROP) +
			 fx_stat(f, SLUICE_STAT_FILTER_PASS), 9);
	assert_int_equal(fx_global(f, SLUICE_STAT_RX).bytes, bytes);
	assert_int_equal(fx_stat(f, SLUICE_STAT_NON_IP), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 5);
	assert_int_equal(fx_stat(f, SLUICE_STAT_PASS), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_BACKEND), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 3);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_STALE), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FRAGMENT), 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_stats"), 0).packets, 1);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_stats"),
				    SLUICE_DEFAULT_RULE_COUNTER).packets, 5);
}

#define LB_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest lb_tests[] = {
	LB_TEST(test_vip_v4_forwarded),
	LB_TEST(test_vip_v6_forwarded),
	LB_TEST(test_vlan_vip_forwarded),
	LB_TEST(test_qinq_vip_forwarded),
	LB_TEST(test_qinq_v6_vip_forwarded),
	LB_TEST(test_non_vip_passes),
	LB_TEST(test_udp_service),
	LB_TEST(test_any_port_service),
	LB_TEST(test_any_port_needs_setting),
	LB_TEST(test_flow_survives_table_change),
	LB_TEST(test_flow_entry_content),
	LB_TEST(test_stale_flow_new_generation),
	LB_TEST(test_stale_flow_backend_gone),
	LB_TEST(test_empty_table_drops),
	LB_TEST(test_missing_table_drops),
	LB_TEST(test_table_to_dead_backend_drops),
	LB_TEST(test_unknown_forward_mode_passes),
	LB_TEST(test_flows_spread_over_backends),
	LB_TEST(test_fragments_v4_same_backend),
	LB_TEST(test_fragments_v6_same_backend),
	LB_TEST(test_fragments_for_port_service_pass),
	LB_TEST(test_counters_add_up),
};
const size_t n_lb_tests = sizeof(lb_tests) / sizeof(lb_tests[0]);
