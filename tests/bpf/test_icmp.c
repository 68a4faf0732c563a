// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ICMP errors that routers send to a VIP about a flow's reply: forwarded to the
 * backend that owns the flow (flow table, else Maglev, never recorded), the way
 * the service forwards; anything not clearly about a VIP flow is left alone.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "tests/bpf/fib_net.h"
#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

#define ROUTER4		"203.0.113.1"
#define ROUTER6		"2001:db8:e::1"
#define ICMP_HDR_LEN	8

/* What a backend sent for client's flow to vip:80: vip:80 -> client:sport. */
static void reply_pkt(struct pkt *p, const char *vip, const char *client, uint16_t sport)
{
	struct pkt_spec s = spec_tcp(vip, 80, client, sport);

	s.payload_len = 1000;
	pkt_build(p, &s);
}

/* A router's error to vip quoting the first quote bytes of reply's IP packet. */
static void icmp_error(struct pkt *p, const char *vip, const struct pkt *reply, uint8_t type,
		       uint8_t code, size_t quote)
{
	bool v6 = reply->family == AF_INET6;
	struct pkt_spec s = spec_tcp(v6 ? ROUTER6 : ROUTER4, 0, vip, 0);
	uint8_t *icmp;
	uint16_t sum;

	s.proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	s.payload_len = quote;
	pkt_build(p, &s);
	icmp = p->data + p->l4_off;
	memset(icmp, 0, ICMP_HDR_LEN);
	icmp[0] = type;
	icmp[1] = code;
	icmp[6] = 1400 >> 8;	/* next-hop MTU, for the types that have one */
	icmp[7] = 1400 & 0xff;
	memcpy(icmp + ICMP_HDR_LEN, reply->data + reply->l3_off, quote);
	sum = csum_check(icmp, ICMP_HDR_LEN + quote,
			 v6 ? csum_pseudo6(p->data + p->l3_off, ICMP_HDR_LEN + quote,
					   IPPROTO_ICMPV6) : 0);
	icmp[2] = sum >> 8;
	icmp[3] = sum & 0xff;
}

static void l2dsr_service(struct fixture *f, const char *vip, uint32_t table_backend)
{
	fx_service(f, vip, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &table_backend, 1);
	fx_backend(f, 1, 1, true);
	fx_backend(f, 2, 1, true);
}

static void check_to_backend(struct fixture *f, const struct pkt *err, uint32_t id,
			     uint64_t forwarded, size_t flows)
{
	struct pkt out;

	assert_int_equal(fx_run(f, err, &out), XDP_TX);
	assert_forwarded(err, &out, id);
	assert_int_equal(fx_stat(f, SLUICE_STAT_ICMP_TO_BACKEND), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), forwarded);
	assert_int_equal(fx_counter(fx_map_fd(f, "backend_stats"), id).packets, forwarded);
	/* An error never makes a flow. */
	assert_int_equal(fx_flow_count(f), flows);
}

/* The client's flow is pinned to backend 1; the table has moved on to backend 2. */
static void check_error_follows_flow(struct fixture *f, const char *client, const char *vip,
				     uint8_t type, uint8_t code, size_t quote)
{
	struct pkt_spec s = spec_tcp(client, 40000, vip, 80);
	struct pkt in, out, reply, err;
	const uint32_t two = 2;

	l2dsr_service(f, vip, 1);
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, 1);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);

	reply_pkt(&reply, vip, client, 40000);
	icmp_error(&err, vip, &reply, type, code, quote);
	check_to_backend(f, &err, 1, 2, 1);
}

static void test_frag_needed_follows_flow(void **state)
{
	check_error_follows_flow(*state, CLIENT4, VIP4, 3, 4, 20 + 8);
}

static void test_packet_too_big_follows_flow(void **state)
{
	check_error_follows_flow(*state, CLIENT6, VIP6, 2, 0, 1232);
}

/* No flow entry: the backend Maglev gives the flow, and still no entry after. */
static void check_error_by_maglev(struct fixture *f, const char *client, const char *vip,
				  uint8_t type, uint8_t code, size_t quote)
{
	struct pkt reply, err;

	l2dsr_service(f, vip, 2);
	reply_pkt(&reply, vip, client, 40000);
	icmp_error(&err, vip, &reply, type, code, quote);
	check_to_backend(f, &err, 2, 1, 0);
}

static void test_time_exceeded_by_maglev_v4(void **state)
{
	check_error_by_maglev(*state, CLIENT4, VIP4, 11, 0, 20 + 8);
}

static void test_unreachable_by_maglev_v6(void **state)
{
	check_error_by_maglev(*state, CLIENT6, VIP6, 1, 4, 40 + 8);
}

static void test_time_exceeded_by_maglev_v6(void **state)
{
	check_error_by_maglev(*state, CLIENT6, VIP6, 3, 0, 40 + 20);
}

/* err is passed to the kernel untouched and nothing is counted as forwarded. */
static void check_passed(struct fixture *f, const struct pkt *err)
{
	struct pkt out;

	assert_int_equal(fx_run(f, err, &out), XDP_PASS);
	assert_unchanged(err, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_ICMP_TO_BACKEND), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 1).packets, 0);
}

static void test_malformed_quotes_passed_v4(void **state)
{
	struct fixture *f = *state;
	struct pkt reply, other, err;
	struct pkt_spec ping = spec_tcp(VIP4, 0, CLIENT4, 0);

	l2dsr_service(f, VIP4, 1);
	reply_pkt(&reply, VIP4, CLIENT4, 40000);

	/* The quote stops 4 bytes into the TCP header: the ports, not RFC 792's 8 bytes. */
	icmp_error(&err, VIP4, &reply, 3, 4, 20 + 4);
	check_passed(f, &err);
	/* The quoted header is not IPv4, or its length is impossible. */
	icmp_error(&err, VIP4, &reply, 3, 4, 20 + 8);
	err.data[err.l4_off + ICMP_HDR_LEN] = 0x65;
	check_passed(f, &err);
	err.data[err.l4_off + ICMP_HDR_LEN] = 0x44;
	check_passed(f, &err);
	/* Options claimed but not quoted: the 8 bytes after them are missing. */
	err.data[err.l4_off + ICMP_HDR_LEN] = 0x46;
	check_passed(f, &err);
	/* The quoted packet was not sent by the VIP. */
	reply_pkt(&other, "192.0.2.77", CLIENT4, 40000);
	icmp_error(&err, VIP4, &other, 3, 4, 20 + 8);
	check_passed(f, &err);
	/* Not TCP or UDP: an error about an ICMP message. */
	ping.proto = IPPROTO_ICMP;
	pkt_build(&other, &ping);
	icmp_error(&err, VIP4, &other, 3, 4, 20 + 8);
	check_passed(f, &err);
	/* Not an error: a redirect (type 5) quoting the reply. */
	icmp_error(&err, VIP4, &reply, 5, 1, 20 + 8);
	check_passed(f, &err);
}

static void test_malformed_quotes_passed_v6(void **state)
{
	struct fixture *f = *state;
	struct pkt reply, other, err;

	l2dsr_service(f, VIP6, 1);
	reply_pkt(&reply, VIP6, CLIENT6, 40000);
	icmp_error(&err, VIP6, &reply, 2, 0, 40 + 4);
	check_passed(f, &err);
	reply_pkt(&other, "2001:db8:f::77", CLIENT6, 40000);
	icmp_error(&err, VIP6, &other, 2, 0, 40 + 8);
	check_passed(f, &err);
	/* An informational message (echo reply, type 129) is no error. */
	icmp_error(&err, VIP6, &reply, 129, 0, 40 + 8);
	check_passed(f, &err);
}

static void test_error_about_other_port_passed(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(VIP4, 81, CLIENT4, 40000);
	struct pkt reply, err;

	l2dsr_service(f, VIP4, 1);
	pkt_build(&reply, &s);
	icmp_error(&err, VIP4, &reply, 3, 4, 20 + 8);
	check_passed(f, &err);
}

/* ipip: the error is encapsulated like the flow's packets, with the same outer source. */
static void test_error_encapsulated_like_flow(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt in, out, reply, err;
	uint8_t flow_src[4], be[4];
	size_t inner;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_A);
	pkt_build(&in, &s);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	memcpy(flow_src, out.data + 14 + 12, 4);

	reply_pkt(&reply, VIP4, CLIENT4, 40000);
	icmp_error(&err, VIP4, &reply, 3, 4, 20 + 8);
	assert_int_equal(fib_run(f, &err, &out), XDP_TX);
	inner = err.len - err.l3_off;
	assert_int_equal(out.len, 14 + 20 + inner);
	assert_int_equal(out.data[14 + 9], IPPROTO_IPIP);
	assert_int_equal(csum_check(out.data + 14, 20, 0), 0);
	assert_memory_equal(out.data + 14 + 12, flow_src, 4);
	addr_bytes(BE4_A, be);
	assert_memory_equal(out.data + 14 + 16, be, 4);
	assert_memory_equal(out.data + 14 + 20, err.data + err.l3_off, inner);
	assert_int_equal(fx_stat(f, SLUICE_STAT_ICMP_TO_BACKEND), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
}

/* An error never gets an error: too big to encapsulate, it is dropped. */
static void test_error_too_big_dropped(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(VIP6, 80, CLIENT6, 40000);
	struct pkt reply, err, out;

	fib_ipip_service(f, VIP6, 80, 1, SLUICE_SERVICE_F_ENCAP6);
	fib_backend(f, 1, BE6_FAR);
	s.payload_len = 1400;
	pkt_build(&reply, &s);
	/* Longer than routers send, to be over the route's MTU once encapsulated. */
	icmp_error(&err, VIP6, &reply, 2, 0, FIB_ROUTE_MTU - 40 - 8);
	assert_int_equal(fib_run(f, &err, &out), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG_NODF), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_ICMP_TO_BACKEND), 0);
}

#define ICMP_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
#define FIB_TEST(fn) cmocka_unit_test_setup_teardown(fn, fib_setup, fib_teardown)

const struct CMUnitTest icmp_tests[] = {
	ICMP_TEST(test_frag_needed_follows_flow),
	ICMP_TEST(test_packet_too_big_follows_flow),
	ICMP_TEST(test_time_exceeded_by_maglev_v4),
	ICMP_TEST(test_unreachable_by_maglev_v6),
	ICMP_TEST(test_time_exceeded_by_maglev_v6),
	ICMP_TEST(test_malformed_quotes_passed_v4),
	ICMP_TEST(test_malformed_quotes_passed_v6),
	ICMP_TEST(test_error_about_other_port_passed),
	FIB_TEST(test_error_encapsulated_like_flow),
	FIB_TEST(test_error_too_big_dropped),
};
const size_t n_icmp_tests = sizeof(icmp_tests) / sizeof(icmp_tests[0]);
