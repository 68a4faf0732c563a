// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ipip's next-hop cache: the packets after a flow's first are forwarded as the FIB
 * said, without asking it again; a new generation or an expired entry asks it again;
 * failures are never kept; a packet too big for the cached MTU is answered as
 * before. The namespace's neighbours are changed between packets: what the output
 * MAC follows tells the cache from the FIB. The process keeps to one CPU, so every
 * packet meets the same per-CPU entry.
 */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "tests/bpf/fib_net.h"
#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

#define NH_NS		"nh-fib"
#define NH_PORT_A	"nh-a0"
#define NH_PORT_B	"nh-b0"
#define NH_BE4		"10.12.1.20"		/* on port A, its MAC changed by the tests */
#define NH_BE6		"2001:db8:12:1::20"
#define NH_BE4_B	"10.12.2.20"		/* on port B: redirect */
#define NH_BE4_LATE	"10.12.1.30"		/* resolved only when a test says so */
#define NH_BE4_FAR	"10.12.3.5"		/* behind NH_BE4, route MTU NH_ROUTE_MTU */
#define NH_BE6_FAR	"2001:db8:12:3::5"
#define NH_ROUTE_MTU	1400
#define NH_DEV_MTU	1500
#define NH_MAC_OLD	"02:4e:48:00:01:20"
#define NH_MAC_NEW	"02:4e:48:00:01:21"
#define ENCAP_BOTH	(SLUICE_SERVICE_F_ENCAP4 | SLUICE_SERVICE_F_ENCAP6)

static const uint8_t mac_port_a[6] = { 0x02, 0x4e, 0x48, 0x00, 0x00, 0xa0 };
static const uint8_t mac_port_b[6] = { 0x02, 0x4e, 0x48, 0x00, 0x00, 0xb0 };
static const uint8_t mac_old[6] = { 0x02, 0x4e, 0x48, 0x00, 0x01, 0x20 };
static const uint8_t mac_new[6] = { 0x02, 0x4e, 0x48, 0x00, 0x01, 0x21 };
static const uint8_t mac_b20[6] = { 0x02, 0x4e, 0x48, 0x00, 0x02, 0x20 };

static const char *const nh_setup[] = {
	"ip netns add " NH_NS,
	"ip -n " NH_NS " link set lo up",
	"ip -n " NH_NS " link add " NH_PORT_A " address 02:4e:48:00:00:a0 type veth"
		" peer name nh-a1",
	"ip -n " NH_NS " link add " NH_PORT_B " address 02:4e:48:00:00:b0 type veth"
		" peer name nh-b1",
	"ip -n " NH_NS " link set " NH_PORT_A " up",
	"ip -n " NH_NS " link set nh-a1 up",
	"ip -n " NH_NS " link set " NH_PORT_B " up",
	"ip -n " NH_NS " link set nh-b1 up",
	"ip netns exec " NH_NS " sysctl -qw net.ipv4.conf.all.forwarding=1"
		" net.ipv6.conf.all.forwarding=1",
	"ip -n " NH_NS " addr add 10.12.1.1/24 dev " NH_PORT_A,
	"ip -n " NH_NS " addr add 2001:db8:12:1::1/64 dev " NH_PORT_A " nodad",
	"ip -n " NH_NS " addr add 10.12.2.1/24 dev " NH_PORT_B,
	"ip -n " NH_NS " neigh add " NH_BE4_B " lladdr 02:4e:48:00:02:20 dev " NH_PORT_B
		" nud permanent",
	"ip -n " NH_NS " route add 10.12.3.0/24 via " NH_BE4 " mtu lock 1400",
	"ip -n " NH_NS " route add 2001:db8:12:3::/64 via " NH_BE6 " mtu lock 1400",
};

static struct fib_net nh_net = {
	.name = NH_NS,
	.port_in = NH_PORT_A,
	.setup = nh_setup,
	.n_setup = sizeof(nh_setup) / sizeof(nh_setup[0]),
};

static cpu_set_t home_cpus;
static int cpu;

static void sh(const char *cmd)
{
	if (system(cmd)) {
		fprintf(stderr, "test_nexthop: failed: %s\n", cmd);
		fail();
	}
}

/* Both backends on port A resolve to mac (text), as a permanent neighbour. */
static void set_neigh_mac(const char *mac)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip neigh replace " NH_BE4 " lladdr %s dev " NH_PORT_A
		 " nud permanent", mac);
	sh(cmd);
	snprintf(cmd, sizeof(cmd), "ip neigh replace " NH_BE6 " lladdr %s dev " NH_PORT_A
		 " nud permanent", mac);
	sh(cmd);
}

static int nh_setup_test(void **state)
{
	cpu_set_t one;
	int ret = fib_net_setup(&nh_net, state);

	if (ret)
		return ret;
	/* Each test starts from the same neighbours, whatever the last one left. */
	if (system("ip neigh replace " NH_BE4 " lladdr " NH_MAC_OLD " dev " NH_PORT_A
		   " nud permanent") ||
	    system("ip neigh replace " NH_BE6 " lladdr " NH_MAC_OLD " dev " NH_PORT_A
		   " nud permanent") ||
	    system("ip neigh del " NH_BE4_LATE " dev " NH_PORT_A " 2>/dev/null") == -1)
		return -1;
	/* One CPU: test runs go to that CPU's entries, and only to them. */
	if (sched_getaffinity(0, sizeof(home_cpus), &home_cpus))
		return -1;
	cpu = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return cpu < 0 || sched_setaffinity(0, sizeof(one), &one) ? -1 : 0;
}

static int nh_teardown_test(void **state)
{
	int ret = sched_setaffinity(0, sizeof(home_cpus), &home_cpus) ? -1 : 0;

	return fib_teardown(state) ?: ret;
}

/* This CPU's cache entry of backend id; all is the buffer of every CPU's. */
static struct sluice_nexthop *entry_of(struct fixture *f, uint32_t id,
				       struct sluice_nexthop *all)
{
	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "nexthops"), &id, all), 0);
	return &all[cpu];
}

static struct sluice_nexthop entry(struct fixture *f, uint32_t id)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sluice_nexthop *all = calloc(ncpus, sizeof(*all)), e;

	assert_non_null(all);
	e = *entry_of(f, id, all);
	free(all);
	return e;
}

/* Makes this CPU's entry of backend id one that expired just now. */
static void expire(struct fixture *f, uint32_t id)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sluice_nexthop *all = calloc(ncpus, sizeof(*all));
	struct timespec now;

	assert_non_null(all);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	entry_of(f, id, all)->expires_ns = (uint64_t)now.tv_sec * 1000000000ULL +
					    (uint64_t)now.tv_nsec;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "nexthops"), &id, all, BPF_ANY), 0);
	free(all);
}

static uint32_t gen_now(struct fixture *f)
{
	struct sluice_settings set;
	uint32_t zero = 0;

	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "settings"), &zero, &set), 0);
	return set.nexthop_gen;
}

static uint64_t coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A client's TCP packet to vip:80 whose IP packet is ip_len bytes, DF set if IPv4. */
static void client_pkt(struct pkt *p, const char *vip, size_t ip_len)
{
	bool v6 = strchr(vip, ':');
	struct pkt_spec s = spec_tcp(v6 ? CLIENT6 : CLIENT4, 40000, vip, 80);

	s.payload_len = ip_len - (v6 ? 40 + 20 : 20 + 20);
	pkt_build(p, &s);
	if (!v6) {
		p->data[p->l3_off + 6] |= 0x40;
		pkt_fix_ipv4_csum(p);
	}
}

/* One packet to backend 1 of a service to vip; returns the verdict. */
static int send_one(struct fixture *f, const char *vip, size_t ip_len, struct pkt *out)
{
	struct pkt in;

	client_pkt(&in, vip, ip_len);
	return fib_run(f, &in, out);
}

static void setup_service(struct fixture *f, const char *vip, const char *be)
{
	fib_ipip_service(f, vip, 80, 1, ENCAP_BOTH);
	fib_backend(f, 1, be);
}

/* e is what the FIB says of a backend on port A at dmac, filled under gen. */
static void check_entry(const struct sluice_nexthop *e, const uint8_t *dmac, uint32_t gen,
			uint32_t mtu, uint64_t before, uint64_t after)
{
	assert_memory_equal(e->dmac, dmac, 6);
	assert_memory_equal(e->smac, mac_port_a, 6);
	assert_int_equal(e->ifindex, fib_ifindex(NH_PORT_A));
	assert_int_equal(e->mtu, mtu);
	assert_int_equal(e->gen, gen);
	/* The coarse clock the data plane read, between our two readings of it. */
	assert_true(e->expires_ns >= before + 1000000000ULL);
	assert_true(e->expires_ns <= after + 1000000000ULL);
}

/*
 * The second packet of a flow leaves exactly as the first did, from the entry the
 * first one filled; then the neighbour moves: the cache still holds the old MAC
 * (proof that the FIB was not asked), until a new generation makes it ask.
 */
static void check_cache_then_bump(struct fixture *f, const char *vip, const char *be)
{
	struct pkt first, out;
	uint64_t before, after;
	struct sluice_nexthop e;

	setup_service(f, vip, be);
	before = coarse_ns();
	assert_int_equal(send_one(f, vip, 100, &first), XDP_TX);
	after = coarse_ns();
	assert_memory_equal(first.data, mac_old, 6);
	e = entry(f, 1);
	check_entry(&e, mac_old, gen_now(f), NH_DEV_MTU, before, after);

	assert_int_equal(send_one(f, vip, 100, &out), XDP_TX);
	assert_int_equal(out.len, first.len);
	assert_memory_equal(out.data, first.data, first.len);

	set_neigh_mac(NH_MAC_NEW);
	assert_int_equal(send_one(f, vip, 100, &out), XDP_TX);
	assert_memory_equal(out.data, mac_old, 6);
	e = entry(f, 1);
	assert_memory_equal(e.dmac, mac_old, 6);

	fib_nexthop_bump(f);
	before = coarse_ns();
	assert_int_equal(send_one(f, vip, 100, &out), XDP_TX);
	after = coarse_ns();
	assert_memory_equal(out.data, mac_new, 6);
	assert_memory_equal(out.data + 6, first.data + 6, first.len - 6);
	e = entry(f, 1);
	check_entry(&e, mac_new, gen_now(f), NH_DEV_MTU, before, after);

	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 4);
	assert_int_equal(fx_counter(fx_map_fd(f, "backend_stats"), 1).packets, 4);
}

static void test_cached_then_new_gen_4in4(void **state)
{
	check_cache_then_bump(*state, VIP4, NH_BE4);
}

static void test_cached_then_new_gen_6in6(void **state)
{
	check_cache_then_bump(*state, VIP6, NH_BE6);
}

static void test_cached_then_new_gen_4in6(void **state)
{
	check_cache_then_bump(*state, VIP4, NH_BE6);
}

/* An entry past its lifetime asks the FIB again, and is refilled from its answer. */
static void test_expired_entry_refreshed(void **state)
{
	struct fixture *f = *state;
	uint64_t before, after, first_expiry;
	struct sluice_nexthop e;
	struct pkt out;

	setup_service(f, VIP4, NH_BE4);
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_TX);
	first_expiry = entry(f, 1).expires_ns;
	set_neigh_mac(NH_MAC_NEW);
	expire(f, 1);
	before = coarse_ns();
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_TX);
	after = coarse_ns();
	assert_memory_equal(out.data, mac_new, 6);
	e = entry(f, 1);
	check_entry(&e, mac_new, gen_now(f), NH_DEV_MTU, before, after);
	assert_true(e.expires_ns >= first_expiry);
	/* And it is used again: the neighbour's next move is not seen before expiry. */
	set_neigh_mac(NH_MAC_OLD);
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_TX);
	assert_memory_equal(out.data, mac_new, 6);
}

/* A lookup that fails leaves nothing behind: the next packet asks again. */
static void test_failure_not_cached(void **state)
{
	struct fixture *f = *state;
	const struct sluice_nexthop empty = { 0 };
	struct sluice_nexthop e;
	struct pkt out;

	setup_service(f, VIP4, NH_BE4_LATE);
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_NEIGH), 1);
	e = entry(f, 1);
	assert_memory_equal(&e, &empty, sizeof(e));

	sh("ip neigh replace " NH_BE4_LATE " lladdr " NH_MAC_NEW " dev " NH_PORT_A
	   " nud permanent");
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_TX);
	assert_memory_equal(out.data, mac_new, 6);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_NEIGH), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 1);
	assert_memory_equal(entry(f, 1).dmac, mac_new, 6);
}

/* ICMP type and code, and the MTU it gives, of a reply to an untagged packet. */
static void check_too_big_reply(const struct pkt *out, bool v6, uint32_t mtu)
{
	const uint8_t *icmp = out->data + 14 + (v6 ? 40 : 20);

	if (v6) {
		assert_int_equal(icmp[0], 2);
		assert_int_equal(icmp[1], 0);
		assert_int_equal((uint32_t)icmp[4] << 24 | icmp[5] << 16 | icmp[6] << 8 | icmp[7],
				 mtu);
	} else {
		assert_int_equal(icmp[0], 3);
		assert_int_equal(icmp[1], 4);
		assert_int_equal(icmp[6] << 8 | icmp[7], mtu);
	}
}

/*
 * Behind the MTU 1400 route: the entry keeps that MTU; a packet that fits it comes
 * from the cache, one that does not is answered as the FIB says (PMTU), and the
 * entry stays.
 */
static void check_too_big_past_cache(struct fixture *f, const char *vip, const char *be,
				     uint32_t outer)
{
	bool v6 = strchr(vip, ':');
	struct sluice_nexthop e;
	struct pkt out;

	setup_service(f, vip, be);
	assert_int_equal(send_one(f, vip, NH_ROUTE_MTU - outer, &out), XDP_TX);
	e = entry(f, 1);
	assert_int_equal(e.mtu, NH_ROUTE_MTU);
	assert_memory_equal(out.data, mac_old, 6);

	assert_int_equal(send_one(f, vip, NH_ROUTE_MTU - outer + 1, &out), XDP_TX);
	check_too_big_reply(&out, v6, NH_ROUTE_MTU - outer);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_TOO_BIG), 1);
	assert_int_equal(entry(f, 1).expires_ns, e.expires_ns);

	/* The entry is still what the next fitting packet uses. */
	set_neigh_mac(NH_MAC_NEW);
	assert_int_equal(send_one(f, vip, NH_ROUTE_MTU - outer, &out), XDP_TX);
	assert_memory_equal(out.data, mac_old, 6);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
}

static void test_too_big_past_cache_v4(void **state)
{
	check_too_big_past_cache(*state, VIP4, NH_BE4_FAR, 20);
}

static void test_too_big_past_cache_v6(void **state)
{
	check_too_big_past_cache(*state, VIP6, NH_BE6_FAR, 40);
}

/*
 * An egress port comes from the cache like the MACs, and tx_ports still decides per
 * packet: a port the control plane took out is no route, cached or not.
 */
static void test_redirect_cached(void **state)
{
	struct fixture *f = *state;
	uint32_t port_b = fib_ifindex(NH_PORT_B);
	struct pkt out;

	setup_service(f, VIP4, NH_BE4_B);
	fib_tx_port(f, NH_PORT_B);
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_REDIRECT);
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_REDIRECT);
	assert_memory_equal(out.data, mac_b20, 6);
	assert_memory_equal(out.data + 6, mac_port_b, 6);
	assert_int_equal(entry(f, 1).ifindex, port_b);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_REDIRECT), 2);

	assert_int_equal(bpf_map_delete_elem(fx_map_fd(f, "tx_ports"), &port_b), 0);
	assert_int_equal(send_one(f, VIP4, 100, &out), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_ROUTE), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_FORWARD), 2);
}

#define NH_TEST(fn) cmocka_unit_test_setup_teardown(fn, nh_setup_test, nh_teardown_test)

const struct CMUnitTest nexthop_tests[] = {
	NH_TEST(test_cached_then_new_gen_4in4),
	NH_TEST(test_cached_then_new_gen_6in6),
	NH_TEST(test_cached_then_new_gen_4in6),
	NH_TEST(test_expired_entry_refreshed),
	NH_TEST(test_failure_not_cached),
	NH_TEST(test_too_big_past_cache_v4),
	NH_TEST(test_too_big_past_cache_v6),
	NH_TEST(test_redirect_cached),
};
const size_t n_nexthop_tests = sizeof(nexthop_tests) / sizeof(nexthop_tests[0]);
