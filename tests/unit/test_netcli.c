// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The parts of sluice's network commands that need no kernel: the prefixes
 * `decap attach --from` accepts and the errors it gives, the sysctl apply tells an
 * operator to run, and what `watch` does about each neighbour table event.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/neighbour.h>

#include <cmocka.h>

#include "cli/prefix.h"
#include "kernel/route.h"
#include "kernel/watch_event.h"

static void parse_ok(const char *text, int family, const char *addr, unsigned int len)
{
	struct conf_cidr p;
	uint8_t want[16] = {0};
	char err[160] = "";

	assert_int_equal(prefix_parse(text, &p, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(p.addr.family, family);
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_memory_equal(p.addr.bytes, want, 16);
	assert_int_equal(p.prefix_len, len);
}

static void parse_fails(const char *text, const char *why)
{
	struct conf_cidr p;
	char err[160] = "";

	assert_int_equal(prefix_parse(text, &p, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("'%s': expected an error saying \"%s\", got \"%s\"", text, why, err);
}

static void test_prefixes_accepted(void **state)
{
	(void)state;
	parse_ok("10.0.0.0/8", AF_INET, "10.0.0.0", 8);
	parse_ok("0.0.0.0/0", AF_INET, "0.0.0.0", 0);
	parse_ok("192.0.2.7", AF_INET, "192.0.2.7", 32);
	parse_ok("fd00:200::/64", AF_INET6, "fd00:200::", 64);
	parse_ok("2001:db8::1", AF_INET6, "2001:db8::1", 128);
	parse_ok("10.1.2.128/25", AF_INET, "10.1.2.128", 25);
}

static void test_prefix_errors_say_what_is_wrong(void **state)
{
	(void)state;
	parse_fails("10.0.0.1/8", "'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?");
	parse_fails("fd00::1/64", "did you mean fd00::/64?");
	parse_fails("10.1.2.129/25", "did you mean 10.1.2.128/25?");
	parse_fails("10.0.0.0/33", "prefix length must be a number 0..32");
	parse_fails("fd00::/129", "prefix length must be a number 0..128");
	parse_fails("10.0.0.0/", "prefix length must be a number");
	parse_fails("10.0.0.0/-1", "prefix length must be a number");
	parse_fails("10.0.0.0/8x", "prefix length must be a number");
	parse_fails("10.0.0/8", "is not an IPv4 or IPv6 address or prefix");
	parse_fails("backend-1", "is not an IPv4 or IPv6 address or prefix");
	parse_fails("", "is not an IPv4 or IPv6 address or prefix");
}

static void test_prefix_str_round_trips(void **state)
{
	char buf[PREFIX_STR_LEN], err[160];
	struct conf_cidr p;

	(void)state;
	assert_int_equal(prefix_parse("2001:db8:1::/48", &p, err, sizeof(err)), 0);
	assert_string_equal(prefix_str(&p, buf), "2001:db8:1::/48");
	assert_int_equal(prefix_parse("198.51.100.9", &p, err, sizeof(err)), 0);
	assert_string_equal(prefix_str(&p, buf), "198.51.100.9/32");
}

static void test_forwarding_sysctl_names_the_interface(void **state)
{
	char buf[128];

	(void)state;
	route_forwarding_sysctl(AF_INET, "eth0", buf, sizeof(buf));
	assert_string_equal(buf, "net.ipv4.conf.eth0.forwarding");
	route_forwarding_sysctl(AF_INET6, "eth0", buf, sizeof(buf));
	assert_string_equal(buf, "net.ipv6.conf.eth0.forwarding");
	/* sysctl -w would read the dot of a VLAN device as one more level. */
	route_forwarding_sysctl(AF_INET, "eth0.100", buf, sizeof(buf));
	assert_string_equal(buf, "net.ipv4.conf.eth0/100.forwarding");
}

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 0xb };

static struct watch_target target(bool l2dsr)
{
	struct watch_target t = { .l2dsr = l2dsr, .state = NUD_REACHABLE, .usable = true };

	memcpy(t.mac, mac_a, 6);
	return t;
}

static void test_watch_follows_a_new_mac_of_an_l2dsr_backend(void **state)
{
	struct watch_target t = target(true);

	(void)state;
	assert_int_equal(watch_decide(&t, WATCH_PRESENT, NUD_REACHABLE, mac_b), WATCH_SET_MAC);
	assert_int_equal(watch_decide(&t, WATCH_PRESENT, NUD_STALE, mac_b), WATCH_SET_MAC);
	assert_int_equal(watch_decide(&t, WATCH_PRESENT, NUD_PERMANENT, mac_b), WATCH_SET_MAC);
	assert_int_equal(watch_decide(&t, WATCH_PRESENT, NUD_REACHABLE, mac_a), WATCH_NOTHING);
	assert_int_equal(watch_decide(&t, WATCH_PRESENT, NUD_REACHABLE, NULL), WATCH_NOTHING);
}

static void test_watch_leaves_ipip_macs_to_the_fib(void **state)
{
	struct watch_target t = target(false);

	(void)state;
	assert_int_equal(watch_decide(&t, WATCH_PRESENT, NUD_REACHABLE, mac_b), WATCH_NOTHING);
}

static void test_watch_probes_a_neighbour_gone_bad(void **state)
{
	struct watch_target l2 = target(true), ipip = target(false);

	(void)state;
	assert_int_equal(watch_decide(&l2, WATCH_PRESENT, NUD_FAILED, NULL), WATCH_PROBE);
	assert_int_equal(watch_decide(&l2, WATCH_PRESENT, NUD_INCOMPLETE, NULL), WATCH_PROBE);
	assert_int_equal(watch_decide(&l2, WATCH_PRESENT, NUD_NONE, NULL), WATCH_PROBE);
	assert_int_equal(watch_decide(&l2, WATCH_DELETED, NUD_REACHABLE, mac_a), WATCH_PROBE);
	assert_int_equal(watch_decide(&l2, WATCH_ABSENT, 0, NULL), WATCH_PROBE);
	assert_int_equal(watch_decide(&ipip, WATCH_PRESENT, NUD_FAILED, NULL), WATCH_PROBE);
	assert_int_equal(watch_decide(&ipip, WATCH_DELETED, 0, NULL), WATCH_PROBE);
}

static void test_watch_renews_ipip_next_hops_that_moved(void **state)
{
	struct watch_target l2 = target(true), ipip = target(false);

	(void)state;
	assert_true(watch_nexthop_moved(&ipip, WATCH_PRESENT, NUD_REACHABLE, mac_b));
	assert_true(watch_nexthop_moved(&ipip, WATCH_PRESENT, NUD_FAILED, NULL));
	assert_true(watch_nexthop_moved(&ipip, WATCH_PRESENT, NUD_INCOMPLETE, mac_a));
	assert_true(watch_nexthop_moved(&ipip, WATCH_DELETED, 0, NULL));
	assert_true(watch_nexthop_moved(&ipip, WATCH_ABSENT, 0, NULL));
	/* What the FIB would say is the same: nothing cached is wrong. */
	assert_false(watch_nexthop_moved(&ipip, WATCH_PRESENT, NUD_STALE, mac_a));
	assert_false(watch_nexthop_moved(&ipip, WATCH_PRESENT, NUD_PERMANENT, mac_a));
	/* Never usable: the data plane caches no failure. */
	ipip.usable = false;
	assert_false(watch_nexthop_moved(&ipip, WATCH_PRESENT, NUD_REACHABLE, mac_b));
	/* l2dsr reads the backends map, not the cache. */
	assert_false(watch_nexthop_moved(&l2, WATCH_PRESENT, NUD_REACHABLE, mac_b));
	assert_false(watch_nexthop_moved(&l2, WATCH_DELETED, 0, NULL));
}

static void test_watch_renews_ipip_next_hops_rerouted(void **state)
{
	struct watch_target l2 = target(true), was = target(false), now;

	(void)state;
	was.ifindex = 2;
	was.hop.family = AF_INET;
	was.hop.bytes[0] = 10;
	now = was;
	assert_false(watch_route_moved(&was, &now));
	now.ifindex = 3;
	assert_true(watch_route_moved(&was, &now));
	now = was;
	now.hop.bytes[3] = 1;
	assert_true(watch_route_moved(&was, &now));
	assert_true(watch_route_moved(&was, NULL));
	assert_false(watch_route_moved(&l2, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes_accepted),
		cmocka_unit_test(test_prefix_errors_say_what_is_wrong),
		cmocka_unit_test(test_prefix_str_round_trips),
		cmocka_unit_test(test_forwarding_sysctl_names_the_interface),
		cmocka_unit_test(test_watch_follows_a_new_mac_of_an_l2dsr_backend),
		cmocka_unit_test(test_watch_leaves_ipip_macs_to_the_fib),
		cmocka_unit_test(test_watch_probes_a_neighbour_gone_bad),
		cmocka_unit_test(test_watch_renews_ipip_next_hops_that_moved),
		cmocka_unit_test(test_watch_renews_ipip_next_hops_rerouted),
	};

	return cmocka_run_group_tests_name("netcli", tests, NULL, NULL) ? 1 : 0;
}
