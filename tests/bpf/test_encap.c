// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ipip forwarding: the outer header byte by byte for 4in4, 6in6 and 4in6, the next
 * hop from the FIB (XDP_TX, redirect, unresolved, unrouted), and path MTU: ICMP
 * "fragmentation needed" and ICMPv6 "packet too big" back to the client.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "tests/bpf/fib_net.h"
#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

#define ENCAP_BOTH	(SLUICE_SERVICE_F_ENCAP4 | SLUICE_SERVICE_F_ENCAP6)
#define INNER_TOS	0xb9	/* DSCP 46 (EF), ECN ECT(1): both must be copied */
#define ETH_LEN		14

static const uint8_t mac_port_a[6] = FIB_MAC_PORT_A, mac_port_b[6] = FIB_MAC_PORT_B;
static const uint8_t mac_a20[6] = FIB_MAC_A20, mac_b20[6] = FIB_MAC_B20;
static const uint8_t our_mac[6] = OUR_MAC, listed_mac[6] = LISTED_MAC,
	other_mac[6] = OTHER_MAC;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* A client's TCP packet to vip:80 whose IP packet is ip_len bytes, DSCP and ECN set. */
static void client_pkt(struct pkt *p, const char *client, uint16_t sport, const char *vip,
		       size_t ip_len)
{
	struct pkt_spec s = spec_tcp(client, sport, vip, 80);
	size_t hdrs = strchr(vip, ':') ? 40 + 20 : 20 + 20;
	uint8_t *ip;

	s.payload_len = ip_len - hdrs;
	pkt_build(p, &s);
	ip = p->data + p->l3_off;
	if (p->family == AF_INET) {
		ip[1] = INNER_TOS;
		pkt_fix_ipv4_csum(p);
	} else {
		ip[0] = 0x60 | INNER_TOS >> 4;
		ip[1] = (uint8_t)(INNER_TOS << 4 | (ip[1] & 0x0f));
	}
	assert_int_equal(p->len - p->l3_off, ip_len);
}

static void set_df(struct pkt *p)
{
	p->data[p->l3_off + 6] |= 0x40;
	pkt_fix_ipv4_csum(p);
}

static void check_eth(const struct pkt *out, const uint8_t *dst, const uint8_t *src,
		      uint16_t type)
{
	assert_memory_equal(out->data, dst, 6);
	assert_memory_equal(out->data + 6, src, 6);
	assert_int_equal(get16(out->data + 12), type);
}

/* out is in, in IPv4 to be (via next-hop MAC dst, from src); returns the outer source. */
static uint32_t check_4in4(const struct pkt *in, const struct pkt *out, const char *be,
			   const uint8_t *dst, const uint8_t *src)
{
	size_t inner = in->len - in->l3_off;
	const uint8_t *o = out->data + ETH_LEN;
	uint8_t addr[4], prefix[4];

	assert_int_equal(out->len, ETH_LEN + 20 + inner);
	check_eth(out, dst, src, ETH_P_IP);
	assert_int_equal(o[0], 0x45);
	assert_int_equal(o[1], INNER_TOS);
	assert_int_equal(get16(o + 2), 20 + inner);
	assert_int_equal(get16(o + 4), 0);		/* id */
	assert_int_equal(get16(o + 6), 0x4000);		/* DF, offset 0 */
	assert_int_equal(o[8], 64);
	assert_int_equal(o[9], IPPROTO_IPIP);
	assert_int_equal(csum_check(o, 20, 0), 0);
	addr_bytes(ENCAP4_PREFIX, prefix);
	assert_memory_equal(o + 12, prefix, 3);		/* inside the /24 */
	addr_bytes(be, addr);
	assert_memory_equal(o + 16, addr, 4);
	assert_memory_equal(o + 20, in->data + in->l3_off, inner);
	return get32(o + 12);
}

/*
 * out is in, in IPv6 to be; returns the outer source's last 32 bits, which the
 * flow hash chose, and checks that the flow label is the same hash.
 */
static uint32_t check_in6(const struct pkt *in, const struct pkt *out, const char *be,
			  const uint8_t *dst, const uint8_t *src)
{
	size_t inner = in->len - in->l3_off;
	const uint8_t *o = out->data + ETH_LEN;
	uint8_t addr[16], prefix[16];
	uint32_t first = get32(o), host;

	assert_int_equal(out->len, ETH_LEN + 40 + inner);
	check_eth(out, dst, src, ETH_P_IPV6);
	assert_int_equal(first >> 28, 6);
	assert_int_equal(first >> 20 & 0xff, INNER_TOS);
	assert_int_equal(get16(o + 4), inner);
	assert_int_equal(o[6], in->family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6);
	assert_int_equal(o[7], 64);
	addr_bytes(ENCAP6_PREFIX, prefix);
	assert_memory_equal(o + 8, prefix, 12);		/* inside the /96 */
	addr_bytes(be, addr);
	assert_memory_equal(o + 24, addr, 16);
	assert_memory_equal(o + 40, in->data + in->l3_off, inner);
	/* The host bits are the hash as the CPU holds it; the label is its low 20 bits. */
	memcpy(&host, o + 20, 4);
	assert_int_equal(first & 0xfffff, host & 0xfffff);
	return get32(o + 20);
}

static void check_forwarded(struct fixture *f, uint64_t forwarded, uint64_t redirected)
{
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), forwarded);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_REDIRECT), redirected);
	assert_int_equal(fx_counter(fx_map_fd(f, "backend_stats"), 1).packets, forwarded);
}

static void test_4in4(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_A);
	client_pkt(&in, CLIENT4, 40000, VIP4, 100);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_4in4(&in, &out, BE4_A, mac_a20, mac_port_a);
	check_forwarded(f, 1, 0);
}

static void test_6in6(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP6, 80, 1, SLUICE_SERVICE_F_ENCAP6);
	fib_backend(f, 1, BE6_A);
	client_pkt(&in, CLIENT6, 40000, VIP6, 120);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_in6(&in, &out, BE6_A, mac_a20, mac_port_a);
	check_forwarded(f, 1, 0);
}

static void test_4in6(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, ENCAP_BOTH);
	fib_backend(f, 1, BE6_A);
	client_pkt(&in, CLIENT4, 40000, VIP4, 100);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_in6(&in, &out, BE6_A, mac_a20, mac_port_a);
	check_forwarded(f, 1, 0);
}

/* 64 flows of one client: each keeps its outer source, and they do not share one. */
static void check_sources_spread(struct fixture *f, const char *client, const char *vip,
				 const char *be)
{
	uint32_t src[64], again;
	unsigned int i, j, distinct = 0;
	struct pkt in, out;

	for (i = 0; i < 64; i++) {
		client_pkt(&in, client, 40000 + i, vip, 100);
		assert_int_equal(fib_run(f, &in, &out), XDP_TX);
		src[i] = strchr(be, ':') ? check_in6(&in, &out, be, mac_a20, mac_port_a)
					 : check_4in4(&in, &out, be, mac_a20, mac_port_a);
		for (j = 0; j < i && src[j] != src[i]; j++)
			;
		distinct += j == i;
	}
	client_pkt(&in, client, 40000, vip, 100);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	again = strchr(be, ':') ? check_in6(&in, &out, be, mac_a20, mac_port_a)
				: check_4in4(&in, &out, be, mac_a20, mac_port_a);
	assert_int_equal(again, src[0]);
	/* 64 flows over 256 (IPv4) or 2^32 (IPv6) sources: collisions are few. */
	assert_true(distinct >= 48);
}

static void test_outer_source_per_flow_v4(void **state)
{
	struct fixture *f = *state;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_A);
	check_sources_spread(f, CLIENT4, VIP4, BE4_A);
}

static void test_outer_source_per_flow_v6(void **state)
{
	struct fixture *f = *state;

	fib_ipip_service(f, VIP6, 80, 1, SLUICE_SERVICE_F_ENCAP6);
	fib_backend(f, 1, BE6_A);
	check_sources_spread(f, CLIENT6, VIP6, BE6_A);
}

/* The encapsulated frame is untagged: the same bytes as for the untagged packet. */
static void test_vlan_tags_not_kept(void **state)
{
	struct fixture *f = *state;
	struct pkt plain, tagged, out_plain, out_tagged;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_A);
	pkt_build(&plain, &s);
	s.n_vlans = 2;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021AD, 10 };
	s.vlans[1] = (struct pkt_vlan){ ETH_P_8021Q, 200 };
	pkt_build(&tagged, &s);
	assert_int_equal(fib_run(f, &plain, &out_plain), XDP_TX);
	assert_int_equal(fib_run(f, &tagged, &out_tagged), XDP_TX);
	assert_int_equal(out_tagged.len, out_plain.len);
	assert_memory_equal(out_tagged.data, out_plain.data, out_plain.len);
}

static void check_redirect(struct fixture *f, const char *client, const char *vip,
			   const char *be)
{
	struct pkt in, out;

	fib_ipip_service(f, vip, 80, 1, ENCAP_BOTH);
	fib_backend(f, 1, be);
	fib_tx_port(f, FIB_PORT_B);
	client_pkt(&in, client, 40000, vip, 100);
	assert_int_equal(fib_run(f, &in, &out), XDP_REDIRECT);
	if (strchr(be, ':'))
		check_in6(&in, &out, be, mac_b20, mac_port_b);
	else
		check_4in4(&in, &out, be, mac_b20, mac_port_b);
	check_forwarded(f, 1, 1);
}

static void test_redirect_v4(void **state)
{
	check_redirect(*state, CLIENT4, VIP4, BE4_B);
}

static void test_redirect_v6(void **state)
{
	check_redirect(*state, CLIENT6, VIP6, BE6_B);
}

/* vip's packet toward be is dropped, untouched, counted as stat and nothing else. */
static void check_dropped(struct fixture *f, const char *client, const char *vip,
			  const char *be, uint8_t flags, enum sluice_stat stat)
{
	const enum sluice_stat drops[] = {
		SLUICE_STAT_LB_NO_ROUTE, SLUICE_STAT_LB_NO_NEIGH, SLUICE_STAT_LB_ENCAP_ERROR,
		SLUICE_STAT_LB_TOO_BIG, SLUICE_STAT_LB_TOO_BIG_NODF,
	};
	struct pkt in, out;
	size_t i;

	fib_ipip_service(f, vip, 80, 1, flags);
	fib_backend(f, 1, be);
	client_pkt(&in, client, 40000, vip, 100);
	assert_int_equal(fib_run(f, &in, &out), XDP_DROP);
	assert_unchanged(&in, &out);
	for (i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		assert_int_equal(fx_stat(f, drops[i]), drops[i] == stat);
	check_forwarded(f, 0, 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 1).packets, 1);
}

static void test_unlisted_port_is_no_route(void **state)
{
	/* The FIB says port B, but the control plane did not list it in tx_ports. */
	check_dropped(*state, CLIENT4, VIP4, BE4_B, ENCAP_BOTH, SLUICE_STAT_LB_NO_ROUTE);
}

static void test_no_neigh_v4(void **state)
{
	check_dropped(*state, CLIENT4, VIP4, BE4_NO_NEIGH, ENCAP_BOTH, SLUICE_STAT_LB_NO_NEIGH);
}

static void test_no_neigh_v6(void **state)
{
	check_dropped(*state, CLIENT6, VIP6, BE6_NO_NEIGH, ENCAP_BOTH, SLUICE_STAT_LB_NO_NEIGH);
}

static void test_no_route_v4(void **state)
{
	check_dropped(*state, CLIENT4, VIP4, BE4_NO_ROUTE, ENCAP_BOTH, SLUICE_STAT_LB_NO_ROUTE);
}

static void test_no_route_v6(void **state)
{
	check_dropped(*state, CLIENT6, VIP6, BE6_NO_ROUTE, ENCAP_BOTH, SLUICE_STAT_LB_NO_ROUTE);
}

static void test_blackhole_v4(void **state)
{
	check_dropped(*state, CLIENT4, VIP4, BE4_BLACKHOLE, ENCAP_BOTH,
		      SLUICE_STAT_LB_NO_ROUTE);
}

static void test_blackhole_v6(void **state)
{
	check_dropped(*state, CLIENT6, VIP6, BE6_BLACKHOLE, ENCAP_BOTH,
		      SLUICE_STAT_LB_NO_ROUTE);
}

/* Combinations the config refuses: the data plane drops them all the same. */
static void test_v6_backend_without_v6_source(void **state)
{
	check_dropped(*state, CLIENT4, VIP4, BE6_A, SLUICE_SERVICE_F_ENCAP4,
		      SLUICE_STAT_LB_ENCAP_ERROR);
}

static void test_v4_backend_without_v4_source(void **state)
{
	check_dropped(*state, CLIENT4, VIP4, BE4_A, SLUICE_SERVICE_F_ENCAP6,
		      SLUICE_STAT_LB_ENCAP_ERROR);
}

static void test_v6_in_v4_refused(void **state)
{
	check_dropped(*state, CLIENT6, VIP6, BE4_A, ENCAP_BOTH, SLUICE_STAT_LB_ENCAP_ERROR);
}

/* out is the client's "fragmentation needed" for in, with mtu. */
static void check_frag_needed(const struct pkt *in, const struct pkt *out, uint16_t mtu)
{
	const uint8_t *orig = in->data + in->l3_off, *ip = out->data + in->l3_off;
	const uint8_t *icmp = ip + 20;
	size_t quote = (orig[0] & 0xf) * 4 + 8;

	assert_int_equal(out->len, in->l3_off + 28 + quote);
	assert_memory_equal(out->data, in->data + 6, 6);
	assert_memory_equal(out->data + 6, our_mac, 6);
	assert_memory_equal(out->data + 12, in->data + 12, in->l3_off - 12);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0xc0);
	assert_int_equal(get16(ip + 2), 28 + quote);
	assert_int_equal(get16(ip + 6), 0x4000);
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], IPPROTO_ICMP);
	assert_int_equal(csum_check(ip, 20, 0), 0);
	assert_memory_equal(ip + 12, orig + 16, 4);	/* from the VIP */
	assert_memory_equal(ip + 16, orig + 12, 4);	/* to the client */
	assert_int_equal(icmp[0], 3);
	assert_int_equal(icmp[1], 4);
	assert_int_equal(get16(icmp + 4), 0);
	assert_int_equal(get16(icmp + 6), mtu);
	assert_int_equal(csum_check(icmp, 8 + quote, 0), 0);
	assert_memory_equal(icmp + 8, orig, quote);
}

static void check_too_big_answered(struct fixture *f)
{
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
	assert_int_equal(fx_counter(fx_map_fd(f, "backend_stats"), 1).packets, 0);
}

static void test_too_big_v4_df(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_FAR);
	/* Exactly the route's MTU once encapsulated: it goes. */
	client_pkt(&in, CLIENT4, 40000, VIP4, FIB_ROUTE_MTU - 20);
	set_df(&in);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_4in4(&in, &out, BE4_FAR, mac_a20, mac_port_a);
	/* One byte more: the client hears of the MTU left once encapsulated. */
	client_pkt(&in, CLIENT4, 40000, VIP4, FIB_ROUTE_MTU - 19);
	set_df(&in);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_frag_needed(&in, &out, FIB_ROUTE_MTU - 20);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 1);
}

static void test_too_big_v4_options_quoted(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_FAR);
	s.ipv4_opt_len = 12;
	s.n_vlans = 1;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021Q, 7 };
	s.payload_len = 1500;
	pkt_build(&in, &s);
	set_df(&in);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	/* Header with its options and 8 bytes; the tag kept, for the way back. */
	check_frag_needed(&in, &out, FIB_ROUTE_MTU - 20);
	check_too_big_answered(f);
}

static void test_too_big_4in6(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, ENCAP_BOTH);
	fib_backend(f, 1, BE6_FAR);
	client_pkt(&in, CLIENT4, 40000, VIP4, 1400);
	set_df(&in);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	/* The IPv6 outer header takes 40 of the 1400. */
	check_frag_needed(&in, &out, FIB_ROUTE_MTU - 40);
	check_too_big_answered(f);
}

static void test_too_big_v4_no_df_dropped(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_FAR);
	client_pkt(&in, CLIENT4, 40000, VIP4, 1400);
	assert_int_equal(fib_run(f, &in, &out), XDP_DROP);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG_NODF), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 0);
}

/* out is the client's "packet too big" for in, with mtu. */
static void check_packet_too_big(const struct pkt *in, const struct pkt *out, uint32_t mtu)
{
	const uint8_t *orig = in->data + in->l3_off, *ip6 = out->data + in->l3_off;
	const uint8_t *icmp = ip6 + 40;

	/* The reply is exactly the IPv6 minimum MTU: 40 + 8 + 1232 bytes quoted. */
	assert_int_equal(out->len, in->l3_off + 1280);
	assert_memory_equal(out->data, in->data + 6, 6);
	assert_memory_equal(out->data + 6, our_mac, 6);
	assert_memory_equal(out->data + 12, in->data + 12, in->l3_off - 12);
	assert_int_equal(get32(ip6), 6U << 28 | 0xc0 << 20);
	assert_int_equal(get16(ip6 + 4), 1240);
	assert_int_equal(ip6[6], IPPROTO_ICMPV6);
	assert_int_equal(ip6[7], 64);
	assert_memory_equal(ip6 + 8, orig + 24, 16);	/* from the VIP */
	assert_memory_equal(ip6 + 24, orig + 8, 16);	/* to the client */
	assert_int_equal(icmp[0], 2);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(get32(icmp + 4), mtu);
	assert_int_equal(csum_check(icmp, 1240, csum_pseudo6(ip6, 1240, IPPROTO_ICMPV6)), 0);
	assert_memory_equal(icmp + 8, orig, 1232);
}

static void test_too_big_v6(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT6, 40000, VIP6, 80);
	struct pkt in, out;

	fib_ipip_service(f, VIP6, 80, 1, SLUICE_SERVICE_F_ENCAP6);
	fib_backend(f, 1, BE6_FAR);
	client_pkt(&in, CLIENT6, 40000, VIP6, FIB_ROUTE_MTU - 40);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_in6(&in, &out, BE6_FAR, mac_a20, mac_port_a);

	s.n_vlans = 1;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021Q, 7 };
	s.payload_len = FIB_ROUTE_MTU - 40 - 40 - 20 + 1;	/* one byte over */
	pkt_build(&in, &s);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_packet_too_big(&in, &out, FIB_ROUTE_MTU - 40);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 1);
}

/*
 * A frame sent to a MAC the config lists is ours, and leaves from the egress port's
 * MAC as the FIB gives it: the receiving port's (XDP_TX) or the other one's
 * (XDP_REDIRECT), never the MAC it was sent to.
 */
static void check_listed_mac(struct fixture *f, const char *be, int verdict,
			     const uint8_t *dst, const uint8_t *src, uint64_t redirected)
{
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, be);
	fib_tx_port(f, FIB_PORT_B);
	fx_listed_mac(f, listed_mac);
	client_pkt(&in, CLIENT4, 40000, VIP4, 100);
	memcpy(in.data, listed_mac, 6);
	assert_int_equal(fib_run(f, &in, &out), verdict);
	check_4in4(&in, &out, be, dst, src);
	check_forwarded(f, 1, redirected);
}

static void test_listed_mac_tx(void **state)
{
	check_listed_mac(*state, BE4_A, XDP_TX, mac_a20, mac_port_a, 0);
}

static void test_listed_mac_redirect(void **state)
{
	check_listed_mac(*state, BE4_B, XDP_REDIRECT, mac_b20, mac_port_b, 1);
}

/* Another host's frame is not encapsulated, nor does it reach the FIB or the cache. */
static void test_other_host_not_encapsulated(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_A);
	client_pkt(&in, CLIENT4, 40000, VIP4, 100);
	memcpy(in.data, other_mac, 6);
	assert_int_equal(fib_run(f, &in, &out), XDP_PASS);
	assert_unchanged(&in, &out);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FILTER_PASS), 0);
	check_forwarded(f, 0, 0);
}

/* The client's "fragmentation needed" comes from our MAC, not the listed one it used. */
static void test_too_big_from_own_mac(void **state)
{
	struct fixture *f = *state;
	struct pkt in, out;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_backend(f, 1, BE4_FAR);
	fx_listed_mac(f, listed_mac);
	client_pkt(&in, CLIENT4, 40000, VIP4, FIB_ROUTE_MTU - 19);
	memcpy(in.data, listed_mac, 6);
	set_df(&in);
	assert_int_equal(fib_run(f, &in, &out), XDP_TX);
	check_frag_needed(&in, &out, FIB_ROUTE_MTU - 20);
	check_too_big_answered(f);
}

static void test_counters_add_up(void **state)
{
	struct fixture *f = *state;
	const char *backends[] = { BE4_A, BE4_B, BE4_NO_NEIGH, BE4_NO_ROUTE, BE6_A, BE4_FAR };
	uint64_t filter_pass, accounted;
	struct pkt in, out;
	size_t i;

	fib_ipip_service(f, VIP4, 80, 1, SLUICE_SERVICE_F_ENCAP4);
	fib_tx_port(f, FIB_PORT_B);
	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		fib_backend(f, 1, backends[i]);
		client_pkt(&in, CLIENT4, 40000 + i, VIP4, 1400);
		set_df(&in);
		fib_run(f, &in, &out);
	}
	client_pkt(&in, CLIENT4, 40000, "192.0.2.99", 100);	/* not a VIP */
	fib_run(f, &in, &out);
	client_pkt(&in, CLIENT4, 40000, VIP4, 1400);		/* no DF */
	fib_run(f, &in, &out);
	client_pkt(&in, CLIENT4, 40000, VIP4, 100);		/* another host's */
	memcpy(in.data, other_mac, 6);
	fib_run(f, &in, &out);

	assert_int_equal(fx_stat(f, SLUICE_STAT_RX), 9);
	assert_int_equal(fx_stat(f, SLUICE_STAT_OTHER_HOST) + fx_stat(f, SLUICE_STAT_NON_IP) +
			 fx_stat(f, SLUICE_STAT_MALFORMED) + fx_stat(f, SLUICE_STAT_FILTER_DROP) +
			 fx_stat(f, SLUICE_STAT_FILTER_PASS), 9);
	filter_pass = fx_stat(f, SLUICE_STAT_FILTER_PASS);
	accounted = fx_stat(f, SLUICE_STAT_PASS) + fx_stat(f, SLUICE_STAT_LB_NO_BACKEND) +
		    fx_stat(f, SLUICE_STAT_LB_FORWARD) + fx_stat(f, SLUICE_STAT_LB_NO_ROUTE) +
		    fx_stat(f, SLUICE_STAT_LB_NO_NEIGH) + fx_stat(f, SLUICE_STAT_LB_ENCAP_ERROR) +
		    fx_stat(f, SLUICE_STAT_LB_TOO_BIG) + fx_stat(f, SLUICE_STAT_LB_TOO_BIG_NODF);
	assert_int_equal(filter_pass, 8);
	assert_int_equal(accounted, filter_pass);
	/* One of each: A and B forwarded, then each failure. */
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_REDIRECT), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_NEIGH), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_ROUTE), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_ENCAP_ERROR), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG_NODF), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_PASS), 1);
}

#define FIB_TEST(fn) cmocka_unit_test_setup_teardown(fn, fib_setup, fib_teardown)

const struct CMUnitTest encap_tests[] = {
	FIB_TEST(test_4in4),
	FIB_TEST(test_6in6),
	FIB_TEST(test_4in6),
	FIB_TEST(test_outer_source_per_flow_v4),
	FIB_TEST(test_outer_source_per_flow_v6),
	FIB_TEST(test_vlan_tags_not_kept),
	FIB_TEST(test_redirect_v4),
	FIB_TEST(test_redirect_v6),
	FIB_TEST(test_unlisted_port_is_no_route),
	FIB_TEST(test_no_neigh_v4),
	FIB_TEST(test_no_neigh_v6),
	FIB_TEST(test_no_route_v4),
	FIB_TEST(test_no_route_v6),
	FIB_TEST(test_blackhole_v4),
	FIB_TEST(test_blackhole_v6),
	FIB_TEST(test_v6_backend_without_v6_source),
	FIB_TEST(test_v4_backend_without_v4_source),
	FIB_TEST(test_v6_in_v4_refused),
	FIB_TEST(test_too_big_v4_df),
	FIB_TEST(test_too_big_v4_options_quoted),
	FIB_TEST(test_too_big_4in6),
	FIB_TEST(test_too_big_v4_no_df_dropped),
	FIB_TEST(test_too_big_v6),
	FIB_TEST(test_listed_mac_tx),
	FIB_TEST(test_listed_mac_redirect),
	FIB_TEST(test_other_host_not_encapsulated),
	FIB_TEST(test_too_big_from_own_mac),
	FIB_TEST(test_counters_add_up),
};
const size_t n_encap_tests = sizeof(encap_tests) / sizeof(encap_tests[0]);
