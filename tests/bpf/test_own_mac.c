// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Whose frame is it: unicast to another host's MAC (flooded by a switch, seen by a
 * promiscuous port) goes to the kernel untouched and is counted as other_host;
 * frames to the interface's MAC or one the config lists are ours; broadcast and
 * multicast are handled as ever. Whatever a forwarded frame was sent to, it
 * leaves from the interface's MAC.
 */
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

static const uint8_t our_mac[6] = OUR_MAC, listed_mac[6] = LISTED_MAC,
	other_mac[6] = OTHER_MAC;

/* A client's packet to the web service's VIP, sent to dst_mac. */
static void vip_frame(struct pkt *p, const uint8_t dst_mac[6])
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	memcpy(s.dst_mac, dst_mac, 6);
	pkt_build(p, &s);
}

/* Nothing but rx and other_host counted the frames, and they did count each. */
static void assert_only_other_host(struct fixture *f, uint64_t frames, uint64_t bytes)
{
	const enum sluice_stat others[] = {
		SLUICE_STAT_NON_IP, SLUICE_STAT_MALFORMED, SLUICE_STAT_FILTER_DROP,
		SLUICE_STAT_FILTER_PASS, SLUICE_STAT_PASS, SLUICE_STAT_LB_FORWARD,
		SLUICE_STAT_FLOW_MISS, SLUICE_STAT_FLOW_HIT,
	};
	size_t i;

	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), frames);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST), frames);
	assert_int_equal(fx_global(f, SLUICE_STAT_OTHER_HOST).bytes, bytes);
	assert_int_equal(fx_global(f, SLUICE_STAT_RX).bytes, bytes);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_int_equal(fx_stat(f, others[i]), 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 1).packets, 0);
	assert_int_equal(fx_flow_count(f), 0);
}

/* A VIP packet flooded to us, meant for another node: not balanced, not touched. */
static void test_other_host_passed_untouched(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fx_web_service(f);
	vip_frame(&in, other_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_only_other_host(f, 1, in.len);
}

/* Nor filtered: a deny-all set drops our frame and lets another host's through. */
static void test_other_host_not_filtered(void **state)
{
	struct fixture *f = *state;
	struct sluice_rule deny = fx_rule(SLUICE_ACT_DENY, SLUICE_DEFAULT_RULE_COUNTER);
	struct pkt in, out;

	fx_rules(f, &deny, 1);
	vip_frame(&in, other_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_only_other_host(f, 1, in.len);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_stats"),
				    SLUICE_DEFAULT_RULE_COUNTER).packets, 0);

	vip_frame(&in, our_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_DROP), 1);
}

/* What is not IP is another host's just the same when unicast to it. */
static void test_other_host_non_ip(void **state)
{
	struct fixture *f = *state;
	const uint8_t client[6] = CLIENT_MAC;
	struct pkt in, out;

	pkt_build_arp(&in, client);
	memcpy(in.data, other_mac, 6);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_only_other_host(f, 1, in.len);
}

/* Before the control plane has written the interface's MAC, no unicast is ours. */
static void test_no_mac_yet_nothing_is_ours(void **state)
{
	struct fixture *f = *state;
	struct sluice_settings none = { 0 };
	uint32_t zero = 0;
	struct pkt in, out;

	fx_web_service(f);
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "settings"), &zero, &none, BPF_ANY),
			 0);
	vip_frame(&in, our_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_only_other_host(f, 1, in.len);
}

/*
 * MACs the config lists are ours, the second as well as the first; the frame leaves
 * from the interface's MAC, never from the listed one it was sent to.
 */
static void test_listed_macs_are_ours(void **state)
{
	struct fixture *f = *state;
	const uint8_t second[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x5e };
	struct pkt in, out;

	fx_web_service(f);
	vip_frame(&in, listed_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	fx_listed_mac(f, listed_mac);
	fx_listed_mac(f, second);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);
	vip_frame(&in, second);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);
	vip_frame(&in, other_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
}

/*
 * Broadcast and multicast are handled as before the check: ARP goes to the stack as
 * non_ip, a VIP packet is balanced. The forwarded frame's source is the interface's
 * MAC, not the group address it was sent to (which no frame may come from).
 */
static void test_group_frames_as_before(void **state)
{
	struct fixture *f = *state;
	const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	const uint8_t client[6] = CLIENT_MAC;
	struct pkt in, out;

	fx_web_service(f);
	pkt_build_arp(&in, client);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_NON_IP), 1);
	vip_frame(&in, broadcast);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);
	vip_frame(&in, multicast);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
}

/*
 * The interface's address changed (`ip link set dev X address`) and the control
 * plane wrote the new one: frames to the old one are another host's now, and
 * forwarded frames leave from the new one.
 */
static void test_new_interface_mac(void **state)
{
	struct fixture *f = *state;
	const uint8_t new_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
	struct sluice_settings set;
	uint32_t zero = 0;
	struct pkt in, out;
	int fd = fx_map_fd(f, "settings");

	fx_web_service(f);
	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &set), 0);
	memcpy(set.macs[0].addr, new_mac, 6);
	assert_int_equal(bpf_map_update_elem(fd, &zero, &set, BPF_ANY), 0);
	vip_frame(&in, our_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST), 1);
	vip_frame(&in, new_mac);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_memory_equal(out.data + 6, new_mac, 6);
	assert_int_equal(backend_of(&out), 1);
	assert_memory_equal(out.data + 12, in.data + 12, in.len - 12);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest own_mac_tests[] = {
	T(test_other_host_passed_untouched),
	T(test_other_host_not_filtered),
	T(test_other_host_non_ip),
	T(test_no_mac_yet_nothing_is_ours),
	T(test_listed_macs_are_ours),
	T(test_group_frames_as_before),
	T(test_new_interface_mac),
};
const size_t n_own_mac_tests = sizeof(own_mac_tests) / sizeof(own_mac_tests[0]);
