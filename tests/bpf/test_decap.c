// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The backends' decap program: sluice's outer headers stripped (4in4, 6in6, 4in6,
 * 6in4, with and without VLAN tags), everything else untouched, restricted mode.
 *
 * A tunnelled frame is built from the frame its inner packet would be on its own,
 * so what decap must produce is exactly that frame.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"
#include "xdp/decap.skel.h"

#define OUTER4_SRC	"203.0.113.5"
#define OUTER4_DST	"10.0.1.11"
#define OUTER6_SRC	"2001:db8:e::5"
#define OUTER6_DST	"2001:db8:1::11"
#define OUTER4_LEN	20
#define OUTER6_LEN	40

struct decap_fixture {
	struct decap_bpf *skel;
	int prog;
};

static int decap_setup(void **state)
{
	struct decap_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->skel = decap_bpf__open_and_load();
	if (!f->skel) {
		free(f);
		return -1;
	}
	f->prog = bpf_program__fd(f->skel->progs.sluice_decap);
	*state = f;
	return 0;
}

static int decap_teardown(void **state)
{
	struct decap_fixture *f = *state;

	decap_bpf__destroy(f->skel);
	free(f);
	return 0;
}

static int run(struct decap_fixture *f, const struct pkt *in, struct pkt *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = in->data,
		    .data_size_in = in->len,
		    .data_out = out->data,
		    .data_size_out = sizeof(out->data),
		    .repeat = 1);

	memset(out, 0, sizeof(*out));
	assert_int_equal(bpf_prog_test_run_opts(f->prog, &opts), 0);
	out->len = opts.data_size_out;
	return opts.retval;
}

static uint64_t decap_stat(struct decap_fixture *f, enum sluice_decap_stat stat)
{
	return fx_counter(bpf_map__fd(f->skel->maps.decap_stats), stat).packets;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint16_t ipv4_csum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * The frame sluice's ipip mode makes of inner: same Ethernet header and tags, an
 * outer header of outer_family (AF_INET or AF_INET6) in front of inner's IP packet.
 * t->l3_off is the outer header, t->l4_off the inner one.
 */
static void tunnel(struct pkt *t, const struct pkt *inner, int outer_family)
{
	size_t ip_len = inner->len - inner->l3_off;
	uint8_t proto = inner->family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	uint8_t *o;

	memset(t, 0, sizeof(*t));
	memcpy(t->data, inner->data, inner->l3_off);
	t->family = outer_family;
	t->l3_off = inner->l3_off;
	o = t->data + t->l3_off;
	if (outer_family == AF_INET) {
		put16(t->data + t->l3_off - 2, ETH_P_IP);
		o[0] = 0x45;
		put16(o + 2, OUTER4_LEN + ip_len);
		put16(o + 6, 0x4000);			/* DF */
		o[8] = 64;
		o[9] = proto;
		assert_int_equal(inet_pton(AF_INET, OUTER4_SRC, o + 12), 1);
		assert_int_equal(inet_pton(AF_INET, OUTER4_DST, o + 16), 1);
		put16(o + 10, ipv4_csum(o, OUTER4_LEN));
		t->nexthdr_off = t->l3_off + 9;
		t->l4_off = t->l3_off + OUTER4_LEN;
	} else {
		put16(t->data + t->l3_off - 2, ETH_P_IPV6);
		o[0] = 0x60;
		put16(o + 4, ip_len);
		o[6] = proto;
		o[7] = 64;
		assert_int_equal(inet_pton(AF_INET6, OUTER6_SRC, o + 8), 1);
		assert_int_equal(inet_pton(AF_INET6, OUTER6_DST, o + 24), 1);
		t->nexthdr_off = t->l3_off + 6;
		t->l4_off = t->l3_off + OUTER6_LEN;
	}
	memcpy(t->data + t->l4_off, inner->data + inner->l3_off, ip_len);
	t->len = t->l4_off + ip_len;
}

static void inner_frame(struct pkt *p, int family, unsigned int n_vlans)
{
	struct pkt_spec s = family == AF_INET ? spec_tcp(CLIENT4, 40000, VIP4, 80)
					      : spec_tcp(CLIENT6, 40000, VIP6, 443);

	s.n_vlans = n_vlans;
	s.vlans[0] = (struct pkt_vlan){ ETH_P_8021AD, 10 };
	s.vlans[1] = (struct pkt_vlan){ ETH_P_8021Q, 200 };
	s.vlans[2] = (struct pkt_vlan){ ETH_P_8021Q, 300 };
	if (n_vlans == 1)
		s.vlans[0].tpid = ETH_P_8021Q;
	pkt_build(p, &s);
}

static void check_stripped(struct decap_fixture *f, const struct pkt *t, const struct pkt *inner)
{
	uint64_t done = decap_stat(f, SLUICE_DECAP_DONE);
	struct pkt out;

	assert_int_equal(run(f, t, &out), XDP_PASS);
	assert_int_equal(out.len, inner->len);
	assert_memory_equal(out.data, inner->data, inner->len);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_DONE), done + 1);
}

static void check_untouched(struct decap_fixture *f, const struct pkt *t)
{
	uint64_t done = decap_stat(f, SLUICE_DECAP_DONE);
	struct pkt out;

	assert_int_equal(run(f, t, &out), XDP_PASS);
	assert_int_equal(out.len, t->len);
	assert_memory_equal(out.data, t->data, t->len);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_DONE), done);
}

static void test_decap_every_family_and_tagging(void **state)
{
	static const int outer[] = { AF_INET, AF_INET6, AF_INET6, AF_INET };
	static const int inner[] = { AF_INET, AF_INET6, AF_INET, AF_INET6 };
	struct decap_fixture *f = *state;
	int stats = bpf_map__fd(f->skel->maps.decap_stats);
	struct pkt in, t;
	unsigned int i, vlans, n = 0;

	for (i = 0; i < 4; i++) {
		for (vlans = 0; vlans <= 2; vlans++) {
			inner_frame(&in, inner[i], vlans);
			tunnel(&t, &in, outer[i]);
			check_stripped(f, &t, &in);
			n++;
		}
	}
	assert_int_equal(decap_stat(f, SLUICE_DECAP_RX), n);
	/* Both count the frame as received, outer header included. */
	assert_int_equal(fx_counter(stats, SLUICE_DECAP_DONE).bytes,
			 fx_counter(stats, SLUICE_DECAP_RX).bytes);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_REFUSED), 0);
}

static void test_decap_keeps_ethernet_padding(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt in, t;

	/* Bytes after the outer packet stay after the inner one; the stack trims them. */
	inner_frame(&in, AF_INET, 0);
	tunnel(&t, &in, AF_INET);
	memset(t.data + t.len, 0, 6);
	t.len += 6;
	in.len += 6;
	check_stripped(f, &t, &in);
}

static void test_non_tunnel_untouched(void **state)
{
	struct decap_fixture *f = *state;
	const uint8_t mac[6] = CLIENT_MAC;
	struct pkt p;
	unsigned int vlans;

	for (vlans = 0; vlans <= 2; vlans++) {
		inner_frame(&p, AF_INET, vlans);
		check_untouched(f, &p);
		inner_frame(&p, AF_INET6, vlans);
		check_untouched(f, &p);
	}
	pkt_build_arp(&p, mac);
	check_untouched(f, &p);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_RX), 7);
}

static void test_three_tags_untouched(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt in, t;

	inner_frame(&in, AF_INET, 3);
	tunnel(&t, &in, AF_INET);
	check_untouched(f, &t);
}

/* A 4in4 frame with VLAN tags, and a 6in6 one, both to be broken by the caller. */
static void tunnels(struct pkt *t4, struct pkt *t6)
{
	struct pkt in;

	inner_frame(&in, AF_INET, 1);
	tunnel(t4, &in, AF_INET);
	inner_frame(&in, AF_INET6, 0);
	tunnel(t6, &in, AF_INET6);
}

static void test_odd_ipv4_outer_untouched(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt t, t6, ok;
	uint8_t *o;

	tunnels(&ok, &t6);
	o = ok.data + ok.l3_off;

	t = ok;		/* options: IHL 6, the inner header read as one */
	t.data[t.l3_off] = 0x46;
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	t = ok;		/* first fragment */
	put16(t.data + t.l3_off + 6, 0x2000);
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	t = ok;		/* later fragment */
	put16(t.data + t.l3_off + 6, 0x0010);
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	t = ok;		/* not version 4 */
	t.data[t.l3_off] = 0x55;
	check_untouched(f, &t);
	t = ok;		/* not a tunnel: GRE */
	t.data[t.nexthdr_off] = 47;
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	t = ok;		/* total length beyond the frame */
	put16(t.data + t.l3_off + 2, (o[2] << 8 | o[3]) + 1);
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	t = ok;		/* total length too short for an inner header */
	put16(t.data + t.l3_off + 2, OUTER4_LEN + 19);
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	t = ok;		/* protocol 4, but an IPv6 packet inside */
	t.data[t.l4_off] = 0x60;
	check_untouched(f, &t);
	t = ok;		/* cut inside the outer header */
	t.len = t.l3_off + 10;
	check_untouched(f, &t);
	t = ok;		/* cut right after the outer header */
	t.len = t.l4_off;
	put16(t.data + t.l3_off + 2, OUTER4_LEN);
	pkt_fix_ipv4_csum(&t);
	check_untouched(f, &t);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_DONE), 0);
}

static void test_odd_ipv6_outer_untouched(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt t4, t, ok;
	uint8_t *o;

	tunnels(&t4, &ok);
	o = ok.data + ok.l3_off;

	t = ok;		/* an extension header before the inner packet */
	t.data[t.nexthdr_off] = IPPROTO_DSTOPTS;
	memmove(t.data + t.l4_off + 8, t.data + t.l4_off, t.len - t.l4_off);
	memset(t.data + t.l4_off, 0, 8);
	t.data[t.l4_off] = IPPROTO_IPV6;
	t.data[t.l4_off + 2] = 1;	/* PadN over the remaining 4 bytes */
	t.data[t.l4_off + 3] = 4;
	t.len += 8;
	put16(t.data + t.l3_off + 4, (o[4] << 8 | o[5]) + 8);
	check_untouched(f, &t);
	t = ok;		/* not version 6 */
	t.data[t.l3_off] = 0x40;
	check_untouched(f, &t);
	t = ok;		/* not a tunnel: UDP */
	t.data[t.nexthdr_off] = IPPROTO_UDP;
	check_untouched(f, &t);
	t = ok;		/* payload length beyond the frame */
	put16(t.data + t.l3_off + 4, (o[4] << 8 | o[5]) + 1);
	check_untouched(f, &t);
	t = ok;		/* payload length too short for an inner header */
	put16(t.data + t.l3_off + 4, 39);
	check_untouched(f, &t);
	t = ok;		/* next header 41, but an IPv4 packet inside */
	t.data[t.l4_off] = 0x45;
	check_untouched(f, &t);
	t = ok;		/* cut inside the outer header */
	t.len = t.l3_off + 30;
	check_untouched(f, &t);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_DONE), 0);
}

static void add_source(struct decap_fixture *f, const char *prefix, unsigned int len)
{
	struct sluice_decap_key key;
	uint8_t one = 1;
	int family = strchr(prefix, ':') ? AF_INET6 : AF_INET;

	memset(&key, 0, sizeof(key));
	assert_int_equal(inet_pton(family, prefix, key.addr), 1);
	key.family = family == AF_INET ? SLUICE_AF_INET : SLUICE_AF_INET6;
	key.prefixlen = 8 + len;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.decap_sources), &key, &one,
					     BPF_ANY), 0);
}

static void restrict_to(struct decap_fixture *f)
{
	struct sluice_decap_settings set = { .restricted = 1 };
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.decap_settings), &zero,
					     &set, BPF_ANY), 0);
	add_source(f, "203.0.113.0", 24);
	add_source(f, "2001:db8:e::", 48);
}

static void set_outer_src(struct pkt *t, const char *src)
{
	if (t->family == AF_INET) {
		assert_int_equal(inet_pton(AF_INET, src, t->data + t->l3_off + 12), 1);
		pkt_fix_ipv4_csum(t);
	} else {
		assert_int_equal(inet_pton(AF_INET6, src, t->data + t->l3_off + 8), 1);
	}
}

static void check_refused(struct decap_fixture *f, const struct pkt *t)
{
	uint64_t refused = decap_stat(f, SLUICE_DECAP_REFUSED);
	struct pkt out;

	assert_int_equal(run(f, t, &out), XDP_DROP);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_REFUSED), refused + 1);
}

static void test_restricted_accepts_listed_sources(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt in4, in6, t;

	restrict_to(f);
	inner_frame(&in4, AF_INET, 2);
	inner_frame(&in6, AF_INET6, 0);
	tunnel(&t, &in4, AF_INET);
	check_stripped(f, &t, &in4);
	set_outer_src(&t, "203.0.113.254");
	check_stripped(f, &t, &in4);
	tunnel(&t, &in6, AF_INET6);
	check_stripped(f, &t, &in6);
	tunnel(&t, &in4, AF_INET6);
	set_outer_src(&t, "2001:db8:e:ffff::1");
	check_stripped(f, &t, &in4);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_REFUSED), 0);
}

static void test_restricted_refuses_unknown_sources(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt in4, in6, t;

	restrict_to(f);
	inner_frame(&in4, AF_INET, 1);
	inner_frame(&in6, AF_INET6, 0);
	tunnel(&t, &in4, AF_INET);
	set_outer_src(&t, "203.0.114.5");
	check_refused(f, &t);
	tunnel(&t, &in6, AF_INET6);
	set_outer_src(&t, "2001:db8:f::5");
	check_refused(f, &t);
	/* The same leading bytes as a listed IPv4 prefix, but IPv6: not listed. */
	tunnel(&t, &in4, AF_INET6);
	set_outer_src(&t, "cb00:7105::1");
	check_refused(f, &t);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_DONE), 0);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_RX), 3);
}

static void test_restricted_leaves_other_traffic(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt p, t;

	/* Only what would be stripped is checked: plain traffic from anywhere passes. */
	restrict_to(f);
	inner_frame(&p, AF_INET, 0);
	check_untouched(f, &p);
	inner_frame(&p, AF_INET6, 1);
	check_untouched(f, &p);
	tunnel(&t, &p, AF_INET6);
	set_outer_src(&t, "2001:db8:f::5");
	t.data[t.nexthdr_off] = IPPROTO_UDP;
	check_untouched(f, &t);
	assert_int_equal(decap_stat(f, SLUICE_DECAP_REFUSED), 0);
}

static void test_unrestricted_accepts_any_source(void **state)
{
	struct decap_fixture *f = *state;
	struct pkt in, t;

	/* Listed prefixes without the restricted flag change nothing. */
	add_source(f, "203.0.113.0", 24);
	inner_frame(&in, AF_INET, 0);
	tunnel(&t, &in, AF_INET);
	set_outer_src(&t, "198.51.100.1");
	check_stripped(f, &t, &in);
}

#define DECAP_TEST(fn) cmocka_unit_test_setup_teardown(fn, decap_setup, decap_teardown)

const struct CMUnitTest decap_tests[] = {
	DECAP_TEST(test_decap_every_family_and_tagging),
	DECAP_TEST(test_decap_keeps_ethernet_padding),
	DECAP_TEST(test_non_tunnel_untouched),
	DECAP_TEST(test_three_tags_untouched),
	DECAP_TEST(test_odd_ipv4_outer_untouched),
	DECAP_TEST(test_odd_ipv6_outer_untouched),
	DECAP_TEST(test_restricted_accepts_listed_sources),
	DECAP_TEST(test_restricted_refuses_unknown_sources),
	DECAP_TEST(test_restricted_leaves_other_traffic),
	DECAP_TEST(test_unrestricted_accepts_any_source),
};
const size_t n_decap_tests = sizeof(decap_tests) / sizeof(decap_tests[0]);
