// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The parse stage: what is not IP goes to the stack, what does not add up is
 * counted malformed and passed or dropped as configured, never forwarded.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

/* What the walk accepts: RFC 8200 allows at most this many of the headers we walk. */
#define IPV6_EXT_MAX	5

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* The VIPs of both families go to backend 1, so a packet parsed right is forwarded. */
static void vips(struct fixture *f)
{
	fx_web_service(f);
	fx_service(f, VIP6, 80, IPPROTO_TCP, 2, 0, SLUICE_TABLE_SIZE_MIN);
}

static void check_malformed(struct fixture *f, void (*make)(struct pkt *))
{
	struct pkt in, out;

	vips(f);
	make(&in);
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 0);

	fx_settings(f, SLUICE_MALFORMED_DROP, 0);
	assert_int_equal(fx_run(f, &in, &out), XDP_DROP);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
}

static void tcp4(struct pkt *p, size_t payload_len)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	s.payload_len = payload_len;
	pkt_build(p, &s);
}

/* A protocol that parse does not look into: only the IP checks can catch a fault. */
static void gre4(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 0, VIP4, 0);

	s.proto = IPPROTO_GRE;
	pkt_build(p, &s);
}

static void tcp6(struct pkt *p, const uint8_t *ext, unsigned int n_ext)
{
	struct pkt_spec s = spec_tcp(CLIENT6, 40000, VIP6, 80);

	if (n_ext)		/* ext may be NULL then, which memcpy must not see */
		memcpy(s.ext, ext, n_ext);
	s.n_ext = n_ext;
	pkt_build(p, &s);
}

/* Sets the IP length field to say `len` bytes of IP packet. */
static void set_ip_len(struct pkt *p, size_t len)
{
	if (p->family == AF_INET) {
		put16(p->data + p->l3_off + 2, len);
		pkt_fix_ipv4_csum(p);
	} else {
		put16(p->data + p->l3_off + 4, len - 40);
	}
}

/* Cuts the frame to len bytes, IP length following, as a sender's short packet. */
static void cut(struct pkt *p, size_t len)
{
	p->len = len;
	set_ip_len(p, len - p->l3_off);
}

static void make_truncated_vlan_tag(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	s.n_vlans = 1;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021Q, 100 };
	pkt_build(p, &s);
	p->len = ETH_HLEN + 2;
}

static void make_truncated_inner_vlan_tag(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	s.n_vlans = 2;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021AD, 10 };
	s.vlans[1] = (struct pkt_vlan){ ETH_P_8021Q, 100 };
	pkt_build(p, &s);
	p->len = ETH_HLEN + 4 + 2;
}

static void make_truncated_ipv4_header(struct pkt *p)
{
	tcp4(p, 0);
	p->len = p->l3_off + 12;
}

static void make_ipv4_ihl_below_5(struct pkt *p)
{
	gre4(p);
	p->data[p->l3_off] = 0x44;
	pkt_fix_ipv4_csum(p);
}

static void make_ipv4_wrong_version(struct pkt *p)
{
	tcp4(p, 32);
	p->data[p->l3_off] = 0x65;
}

static void make_ipv4_length_beyond_frame(struct pkt *p)
{
	tcp4(p, 32);
	set_ip_len(p, p->len - p->l3_off + 1);
}

static void make_ipv4_length_below_header(struct pkt *p)
{
	gre4(p);
	set_ip_len(p, 19);
}

static void make_truncated_tcp(struct pkt *p)
{
	tcp4(p, 0);
	cut(p, p->l4_off + 10);
}

/* The frame holds a whole TCP header, but the IP length ends inside it. */
static void make_tcp_beyond_ip_length(struct pkt *p)
{
	tcp4(p, 0);
	set_ip_len(p, p->l4_off - p->l3_off + 10);
}

static void make_tcp_doff_below_5(struct pkt *p)
{
	tcp4(p, 32);
	p->data[p->l4_off + 12] = 4 << 4;
}

static void make_tcp_doff_beyond_packet(struct pkt *p)
{
	tcp4(p, 0);
	p->data[p->l4_off + 12] = 6 << 4;
}

static void make_truncated_tcp_v6(struct pkt *p)
{
	tcp6(p, NULL, 0);
	cut(p, p->l4_off + 19);
}

static void make_truncated_udp(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	s.proto = IPPROTO_UDP;
	s.payload_len = 0;
	pkt_build(p, &s);
	cut(p, p->l4_off + 6);
}

static void make_udp_beyond_ip_length(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	s.proto = IPPROTO_UDP;
	pkt_build(p, &s);
	set_ip_len(p, p->l4_off - p->l3_off + 6);
}

static void make_truncated_icmp(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 0, VIP4, 0);

	s.proto = IPPROTO_ICMP;
	s.payload_len = 0;
	pkt_build(p, &s);
	cut(p, p->l4_off + 4);
}

static void make_truncated_icmpv6(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT6, 0, VIP6, 0);

	s.proto = IPPROTO_ICMPV6;
	s.payload_len = 0;
	pkt_build(p, &s);
	cut(p, p->l4_off + 7);
}

static void make_icmpv6_beyond_ip_length(struct pkt *p)
{
	struct pkt_spec s = spec_tcp(CLIENT6, 0, VIP6, 0);

	s.proto = IPPROTO_ICMPV6;
	pkt_build(p, &s);
	set_ip_len(p, p->l4_off - p->l3_off + 4);
}

static void make_truncated_ipv6_header(struct pkt *p)
{
	tcp6(p, NULL, 0);
	p->len = p->l3_off + 39;
}

static void make_ipv6_wrong_version(struct pkt *p)
{
	tcp6(p, NULL, 0);
	p->data[p->l3_off] = 0x40;
}

static void make_ipv6_length_beyond_frame(struct pkt *p)
{
	tcp6(p, NULL, 0);
	set_ip_len(p, p->len - p->l3_off + 8);
}

static void make_ipv6_ext_beyond_payload(struct pkt *p)
{
	const uint8_t ext[] = { IPPROTO_DSTOPTS };

	tcp6(p, ext, 1);
	/* It claims 8 * (1 + 7) = 64 bytes; 60 follow the IPv6 header in all. */
	p->data[p->l4_off - 8 + 1] = 7;
}

static void make_ipv6_ext_truncated(struct pkt *p)
{
	const uint8_t ext[] = { IPPROTO_ROUTING };

	tcp6(p, ext, 1);
	cut(p, p->l4_off - 7);
}

static void make_ipv6_hop_by_hop_not_first(struct pkt *p)
{
	const uint8_t ext[] = { IPPROTO_DSTOPTS, IPPROTO_HOPOPTS };

	tcp6(p, ext, 2);
}

static void make_ipv6_ext_chain_too_long(struct pkt *p)
{
	uint8_t ext[IPV6_EXT_MAX + 1];

	memset(ext, IPPROTO_DSTOPTS, sizeof(ext));
	tcp6(p, ext, sizeof(ext));
}

static void make_ipv6_truncated_fragment_header(struct pkt *p)
{
	struct pkt whole;

	tcp6(&whole, NULL, 0);
	pkt_fragment(p, &whole, 0, 16, true);
	cut(p, p->l4_off - 4);
}

/* A first fragment too small for the TCP header (RFC 1858's tiny fragment). */
static void make_tiny_first_fragment(struct pkt *p)
{
	struct pkt whole;

	tcp4(&whole, 32);
	pkt_fragment(p, &whole, 0, 8, true);
}

#define MALFORMED(name) \
	static void test_malformed_##name(void **state) \
	{ \
		check_malformed(*state, make_##name); \
	}

MALFORMED(truncated_vlan_tag)
MALFORMED(truncated_inner_vlan_tag)
MALFORMED(truncated_ipv4_header)
MALFORMED(ipv4_ihl_below_5)
MALFORMED(ipv4_wrong_version)
MALFORMED(ipv4_length_beyond_frame)
MALFORMED(ipv4_length_below_header)
MALFORMED(truncated_tcp)
MALFORMED(tcp_beyond_ip_length)
MALFORMED(tcp_doff_below_5)
MALFORMED(tcp_doff_beyond_packet)
MALFORMED(truncated_tcp_v6)
MALFORMED(truncated_udp)
MALFORMED(udp_beyond_ip_length)
MALFORMED(truncated_icmp)
MALFORMED(truncated_icmpv6)
MALFORMED(icmpv6_beyond_ip_length)
MALFORMED(truncated_ipv6_header)
MALFORMED(ipv6_wrong_version)
MALFORMED(ipv6_length_beyond_frame)
MALFORMED(ipv6_ext_beyond_payload)
MALFORMED(ipv6_ext_truncated)
MALFORMED(ipv6_hop_by_hop_not_first)
MALFORMED(ipv6_ext_chain_too_long)
MALFORMED(ipv6_truncated_fragment_header)
MALFORMED(tiny_first_fragment)

static void check_non_ip(struct fixture *f, const struct pkt *in)
{
	struct pkt out;

	vips(f);
	fx_settings(f, SLUICE_MALFORMED_DROP, 0);
	assert_int_equal(fx_run(f, in, &out), XDP_PASS);
	assert_unchanged(in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_NON_IP), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 0);
}

static void test_arp_passes(void **state)
{
	const uint8_t mac[6] = CLIENT_MAC;
	struct pkt in;

	pkt_build_arp(&in, mac);
	check_non_ip(*state, &in);
}

static void test_three_vlan_tags_pass(void **state)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt in;

	s.n_vlans = 3;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021AD, 1 };
	s.vlans[1] = (struct pkt_vlan){ ETH_P_8021Q, 2 };
	s.vlans[2] = (struct pkt_vlan){ ETH_P_8021Q, 3 };
	pkt_build(&in, &s);
	check_non_ip(*state, &in);
}

/* Forwarded to backend 1, and pinned under the ports the packet really carries. */
static void check_parsed(struct fixture *f, const struct pkt *in)
{
	struct pkt out;

	vips(f);
	assert_int_equal(fx_run(f, in, &out), XDP_TX);
	assert_forwarded(in, &out, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 0);
	assert_int_equal(fx_flow_count(f), 1);
}

static void test_ipv4_options(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct sluice_rule rules[2] = {
		fx_rule(SLUICE_ACT_DENY, 0),
		fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER),
	};
	struct pkt in, out;

	s.ipv4_opt_len = 8;
	pkt_build(&in, &s);
	check_parsed(f, &in);

	/* The longest options; and the ports are read past them, where they are. */
	s.ipv4_opt_len = 40;
	s.sport = 40001;
	pkt_build(&in, &s);
	rules[0].sport_lo = rules[0].sport_hi = 40001;
	fx_rules(f, rules, 2);
	assert_int_equal(fx_run(f, &in, &out), XDP_DROP);
	assert_int_equal(fx_counter(fx_map_fd(f, "rule_stats"), 0).packets, 1);
}

static void test_ipv6_extension_headers(void **state)
{
	const uint8_t ext[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING };
	struct pkt in;

	tcp6(&in, ext, sizeof(ext));
	check_parsed(*state, &in);
}

static void test_ipv6_longest_ext_chain(void **state)
{
	uint8_t ext[IPV6_EXT_MAX];
	struct pkt in;

	memset(ext, IPPROTO_DSTOPTS, sizeof(ext));
	ext[0] = IPPROTO_HOPOPTS;
	tcp6(&in, ext, sizeof(ext));
	check_parsed(*state, &in);
}

static void test_ethernet_padding(void **state)
{
	struct pkt in;

	/* A short packet in a minimum-size frame: the padding is not part of it. */
	tcp4(&in, 0);
	memset(in.data + in.len, 0, 60 - in.len);
	in.len = 60;
	check_parsed(*state, &in);
}

static void test_fragments_counted(void **state)
{
	struct fixture *f = *state;
	struct pkt whole, first, later, out;

	tcp6(&whole, NULL, 0);
	pkt_fragment(&first, &whole, 0, 32, true);
	pkt_fragment(&later, &whole, 32, whole.len - whole.l4_off, false);
	assert_int_equal(fx_run(f, &first, &out), XDP_PASS);
	assert_int_equal(fx_run(f, &later, &out), XDP_PASS);
	tcp4(&whole, 32);
	pkt_fragment(&first, &whole, 0, 24, true);
	pkt_fragment(&later, &whole, 24, whole.len - whole.l4_off, false);
	assert_int_equal(fx_run(f, &first, &out), XDP_PASS);
	assert_int_equal(fx_run(f, &later, &out), XDP_PASS);
	assert_int_equal(fx_run(f, &whole, &out), XDP_PASS);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FRAGMENT), 4);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 0);
}

#define PARSE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest parse_tests[] = {
	PARSE_TEST(test_malformed_truncated_vlan_tag),
	PARSE_TEST(test_malformed_truncated_inner_vlan_tag),
	PARSE_TEST(test_malformed_truncated_ipv4_header),
	PARSE_TEST(test_malformed_ipv4_ihl_below_5),
	PARSE_TEST(test_malformed_ipv4_wrong_version),
	PARSE_TEST(test_malformed_ipv4_length_beyond_frame),
	PARSE_TEST(test_malformed_ipv4_length_below_header),
	PARSE_TEST(test_malformed_truncated_tcp),
	PARSE_TEST(test_malformed_tcp_beyond_ip_length),
	PARSE_TEST(test_malformed_tcp_doff_below_5),
	PARSE_TEST(test_malformed_tcp_doff_beyond_packet),
	PARSE_TEST(test_malformed_truncated_tcp_v6),
	PARSE_TEST(test_malformed_truncated_udp),
	PARSE_TEST(test_malformed_udp_beyond_ip_length),
	PARSE_TEST(test_malformed_truncated_icmp),
	PARSE_TEST(test_malformed_truncated_icmpv6),
	PARSE_TEST(test_malformed_icmpv6_beyond_ip_length),
	PARSE_TEST(test_malformed_truncated_ipv6_header),
	PARSE_TEST(test_malformed_ipv6_wrong_version),
	PARSE_TEST(test_malformed_ipv6_length_beyond_frame),
	PARSE_TEST(test_malformed_ipv6_ext_beyond_payload),
	PARSE_TEST(test_malformed_ipv6_ext_truncated),
	PARSE_TEST(test_malformed_ipv6_hop_by_hop_not_first),
	PARSE_TEST(test_malformed_ipv6_ext_chain_too_long),
	PARSE_TEST(test_malformed_ipv6_truncated_fragment_header),
	PARSE_TEST(test_malformed_tiny_first_fragment),
	PARSE_TEST(test_arp_passes),
	PARSE_TEST(test_three_vlan_tags_pass),
	PARSE_TEST(test_ipv4_options),
	PARSE_TEST(test_ipv6_extension_headers),
	PARSE_TEST(test_ipv6_longest_ext_chain),
	PARSE_TEST(test_ethernet_padding),
	PARSE_TEST(test_fragments_counted),
};
const size_t n_parse_tests = sizeof(parse_tests) / sizeof(parse_tests[0]);
