// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The flow table's policy: draining backends' deadlines, UDP idle expiry and its
 * bounded seen-time refresh, the new-flow guard, and the new-flow counters.
 *
 * Times come from the clocks the program reads (CLOCK_MONOTONIC for drain
 * deadlines, CLOCK_MONOTONIC_COARSE for seen times and the guard's window), and
 * every stored time is far enough from now that no assertion depends on how long
 * a test takes.
 */
#include <linux/bpf.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

#define SEC_NS		1000000000ULL
#define TCP_SYN		0x02
#define TCP_ACK		0x10

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(clock, &ts), 0);
	return (uint64_t)ts.tv_sec * SEC_NS + ts.tv_nsec;
}

/* What bpf_ktime_get_coarse_ns() returns. */
static uint64_t coarse_now(void)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

static void set_flow_settings(struct fixture *f, uint64_t udp_idle_ns, uint32_t per_cpu)
{
	struct sluice_settings s;
	uint32_t zero = 0;
	int fd = fx_map_fd(f, "settings");

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &s), 0);
	s.udp_idle_ns = udp_idle_ns;
	s.new_flows_per_cpu = per_cpu;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &s, BPF_ANY), 0);
}

static void set_draining(struct fixture *f, uint32_t id, uint8_t flags, uint64_t deadline)
{
	struct sluice_backend be;
	int fd = fx_map_fd(f, "backends");

	assert_int_equal(bpf_map_lookup_elem(fd, &id, &be), 0);
	be.flags = flags;
	be.state = SLUICE_BACKEND_DRAINING;
	be.drain_deadline_ns = deadline;
	assert_int_equal(bpf_map_update_elem(fd, &id, &be, BPF_ANY), 0);
}

/* The flow table key of a TCP or UDP packet built by pkt_build. */
static struct sluice_flow_key key_of(const struct pkt *p)
{
	const uint8_t *ip = p->data + p->l3_off, *l4 = p->data + p->l4_off;
	struct sluice_flow_key k;

	memset(&k, 0, sizeof(k));
	if (p->family == AF_INET) {
		memcpy(k.src, ip + 12, 4);
		memcpy(k.dst, ip + 16, 4);
		k.family = SLUICE_AF_INET;
	} else {
		memcpy(k.src, ip + 8, 16);
		memcpy(k.dst, ip + 24, 16);
		k.family = SLUICE_AF_INET6;
	}
	memcpy(&k.sport, l4, 2);
	memcpy(&k.dport, l4 + 2, 2);
	k.proto = p->data[p->nexthdr_off];
	return k;
}

static struct sluice_flow flow_of(struct fixture *f, const struct pkt *p)
{
	struct sluice_flow_key k = key_of(p);
	struct sluice_flow flow;

	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "flows"), &k, &flow), 0);
	return flow;
}

static bool has_flow(struct fixture *f, const struct pkt *p)
{
	struct sluice_flow_key k = key_of(p);
	struct sluice_flow flow;

	return bpf_map_lookup_elem(fx_map_fd(f, "flows"), &k, &flow) == 0;
}

static void put_flow(struct fixture *f, const struct pkt *p, uint32_t id, uint32_t gen,
		     uint64_t seen_ns)
{
	struct sluice_flow_key k = key_of(p);
	struct sluice_flow flow = { .backend_id = id, .backend_gen = gen, .seen_ns = seen_ns };

	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "flows"), &k, &flow, BPF_ANY), 0);
}

/* TCP flags byte set to flags, checksum adjusted as RFC 1624 says. */
static void set_tcp_flags(struct pkt *p, uint8_t flags)
{
	uint8_t *th = p->data + p->l4_off;
	uint32_t sum = (uint16_t)~(th[16] << 8 | th[17]);
	uint16_t old_word = th[12] << 8 | th[13], new_word;

	th[13] = flags;
	new_word = th[12] << 8 | th[13];
	sum += (uint16_t)~old_word + new_word;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	th[16] = sum >> 8;
	th[17] = sum;
}

static uint64_t new_flows(struct fixture *f, const char *map, uint32_t index)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sluice_flow_counter *cells;
	uint64_t sum = 0;

	assert_true(ncpus > 0);
	cells = calloc(ncpus, sizeof(*cells));
	assert_non_null(cells);
	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, map), &index, cells), 0);
	for (int i = 0; i < ncpus; i++)
		sum += cells[i].new_flows;
	free(cells);
	return sum;
}

/* Every CPU's guard window: starting at window_ns, with `inserts` made already. */
static void set_guard(struct fixture *f, uint64_t window_ns, uint64_t inserts)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sluice_flow_guard *cells;
	uint32_t zero = 0;

	assert_true(ncpus > 0);
	cells = calloc(ncpus, sizeof(*cells));
	assert_non_null(cells);
	for (int i = 0; i < ncpus; i++)
		cells[i] = (struct sluice_flow_guard){ .window_ns = window_ns, .inserts = inserts };
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "flow_guard"), &zero, cells, BPF_ANY),
			 0);
	free(cells);
}

static uint64_t guard_inserts(struct fixture *f, int cpu)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sluice_flow_guard *cells;
	uint32_t zero = 0;
	uint64_t n;

	cells = calloc(ncpus, sizeof(*cells));
	assert_non_null(cells);
	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, "flow_guard"), &zero, cells), 0);
	n = cells[cpu].inserts;
	free(cells);
	return n;
}

/* Test runs execute on the calling CPU: staying on one makes its guard ours. */
static int pin_to_this_cpu(cpu_set_t *saved)
{
	int cpu = sched_getcpu();
	cpu_set_t one;

	assert_true(cpu >= 0);
	assert_int_equal(sched_getaffinity(0, sizeof(*saved), saved), 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	return cpu;
}

static void send_to(struct fixture *f, const struct pkt *in, uint32_t id)
{
	struct pkt out;

	assert_int_equal(fx_run(f, in, &out), XDP_TX);
	assert_forwarded(in, &out, id);
}

/*
 * A flow pinned to backend 1, which then drains (flags, deadline) while the table
 * moves to backend 2: returns the backend the flow's next packet reaches.
 */
static uint32_t drain_case(struct fixture *f, uint8_t flags, uint64_t deadline)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	const uint32_t two = 2;
	struct pkt in, out;

	fx_web_service(f);
	fx_backend(f, 2, 1, true);
	pkt_build(&in, &s);
	send_to(f, &in, 1);

	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	set_draining(f, 1, flags, deadline);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_forwarded(&in, &out, backend_of(&out));
	/* Whichever it was, the entry says so now and the next packet agrees. */
	assert_int_equal(flow_of(f, &in).backend_id, backend_of(&out));
	send_to(f, &in, backend_of(&out));
	return backend_of(&out);
}

static void test_drain_deadline_past_moves_flow(void **state)
{
	struct fixture *f = *state;
	uint64_t past = clock_ns(CLOCK_MONOTONIC) - 1;

	assert_int_equal(drain_case(f, SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING, past),
			 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_STALE), 0);
	/* The re-hash is a Maglev choice like any new flow. */
	assert_int_equal(new_flows(f, "service_flows", 1), 2);
	assert_int_equal(new_flows(f, "backend_flows", 2), 1);
}

static void test_drain_deadline_future_keeps_flow(void **state)
{
	struct fixture *f = *state;
	uint64_t future = clock_ns(CLOCK_MONOTONIC) + 3600 * SEC_NS;

	assert_int_equal(drain_case(f, SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING,
				    future), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 2);
}

static void test_drain_without_deadline_keeps_flow(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(drain_case(f, SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING, 0), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 0);
}

static void test_deadline_ignored_unless_draining(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(drain_case(f, SLUICE_BACKEND_F_LIVE, 1), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 0);
}

/* UDP service VIP4:53 (id 2) whose table says backend 2; backend 1 live as well. */
static void udp_service(struct fixture *f, struct pkt *in)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 5353, VIP4, 53);
	const uint32_t two = 2;

	s.proto = IPPROTO_UDP;
	fx_service(f, VIP4, 53, IPPROTO_UDP, 2, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	fx_backend(f, 1, 1, true);
	fx_backend(f, 2, 1, true);
	pkt_build(in, &s);
}

static void test_udp_idle_flow_rehashed(void **state)
{
	struct fixture *f = *state;
	struct sluice_flow flow;
	uint64_t before;
	struct pkt in;

	udp_service(f, &in);
	set_flow_settings(f, 30 * SEC_NS, 0);
	put_flow(f, &in, 1, 1, coarse_now() - 60 * SEC_NS);
	before = coarse_now();
	send_to(f, &in, 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_MISS), 1);
	flow = flow_of(f, &in);
	assert_int_equal(flow.backend_id, 2);
	assert_in_range(flow.seen_ns, before, coarse_now());
	send_to(f, &in, 2);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);
}

static void test_udp_recent_flow_kept(void **state)
{
	struct fixture *f = *state;
	uint64_t before;
	struct pkt in;

	udp_service(f, &in);
	set_flow_settings(f, 30 * SEC_NS, 0);
	put_flow(f, &in, 1, 1, coarse_now() - 10 * SEC_NS);
	before = coarse_now();
	send_to(f, &in, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 0);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);
	/* Seen 10 s ago, so refreshed by this packet. */
	assert_in_range(flow_of(f, &in).seen_ns, before, coarse_now());
}

static void test_udp_idle_off_keeps_flow(void **state)
{
	struct fixture *f = *state;
	uint64_t before;
	struct pkt in;

	udp_service(f, &in);
	put_flow(f, &in, 1, 1, coarse_now() - 3600 * SEC_NS);
	before = coarse_now();
	send_to(f, &in, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 0);
	/* Kept fresh anyway, so that turning the timeout on later expires no busy flow. */
	assert_in_range(flow_of(f, &in).seen_ns, before, coarse_now());
}

static void test_tcp_flow_never_expires(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	const uint32_t two = 2;
	struct pkt in;

	fx_web_service(f);
	fx_backend(f, 2, 1, true);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	set_flow_settings(f, 1, 0);
	pkt_build(&in, &s);
	put_flow(f, &in, 1, 1, 0);
	send_to(f, &in, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_EXPIRED), 0);
	/* TCP entries carry no seen time, and a hit writes none. */
	assert_int_equal(flow_of(f, &in).seen_ns, 0);
	/* A new TCP flow is recorded without one either. */
	s.sport = 40001;
	pkt_build(&in, &s);
	send_to(f, &in, 2);
	assert_int_equal(flow_of(f, &in).seen_ns, 0);
}

static void test_udp_seen_refresh_bounded(void **state)
{
	struct fixture *f = *state;
	uint64_t seen = coarse_now() - SEC_NS / 2, seen_now;
	int i;
	struct pkt in;

	/* Seen half a second ago: not yet due for a refresh. */
	udp_service(f, &in);
	set_flow_settings(f, 30 * SEC_NS, 0);
	put_flow(f, &in, 1, 1, seen);
	for (i = 0; i < 20; i++)
		send_to(f, &in, 1);
	seen_now = flow_of(f, &in).seen_ns;
	/* Rewritten only once a second had passed since the stored time, never before. */
	if (seen_now != seen)
		assert_true(seen_now >= seen + SEC_NS);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 20);
}

static void test_udp_seen_written_on_insert(void **state)
{
	struct fixture *f = *state;
	uint64_t before = coarse_now();
	struct pkt in;

	udp_service(f, &in);
	send_to(f, &in, 2);
	assert_in_range(flow_of(f, &in).seen_ns, before, coarse_now());
}

static void test_guard_limits_new_flows(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt syn1, syn2, ack, udp;
	const uint32_t one = 1;
	cpu_set_t saved;
	int cpu;

	/* UDP to backend 2 (table slot 0), TCP port 80 to backend 1 (slot 1). */
	udp_service(f, &udp);
	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 1, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 1, SLUICE_TABLE_SIZE_MIN, &one, 1);
	pkt_build(&syn1, &s);
	set_tcp_flags(&syn1, TCP_SYN);
	s.sport = 40001;
	pkt_build(&syn2, &s);
	set_tcp_flags(&syn2, TCP_SYN);
	s.sport = 40002;
	pkt_build(&ack, &s);
	set_tcp_flags(&ack, TCP_ACK);

	set_flow_settings(f, 0, 1);
	/* One window for the whole test, however long it takes. */
	set_guard(f, coarse_now() + 3600 * SEC_NS, 0);
	cpu = pin_to_this_cpu(&saved);

	send_to(f, &syn1, 1);
	assert_true(has_flow(f, &syn1));
	assert_int_equal(guard_inserts(f, cpu), 1);
	/* Over the limit: forwarded to its Maglev backend all the same, not recorded. */
	send_to(f, &syn2, 1);
	assert_false(has_flow(f, &syn2));
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_GUARD_SKIP), 1);
	send_to(f, &udp, 2);
	assert_false(has_flow(f, &udp));
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_GUARD_SKIP), 2);
	/* A handshake's later packets are recorded, over the limit or not. */
	send_to(f, &ack, 1);
	assert_true(has_flow(f, &ack));
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_GUARD_SKIP), 2);
	assert_int_equal(fx_flow_count(f), 2);
	/* Recorded or not, each was a new flow chosen by Maglev. */
	assert_int_equal(new_flows(f, "service_flows", 1), 3);
	assert_int_equal(new_flows(f, "service_flows", 2), 1);
	assert_int_equal(new_flows(f, "backend_flows", 1), 3);
	assert_int_equal(new_flows(f, "backend_flows", 2), 1);
	/* The established flow is a hit, the guard never asked. */
	send_to(f, &syn1, 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_HIT), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_GUARD_SKIP), 2);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
}

static void test_guard_window_rolls_over(void **state)
{
	struct fixture *f = *state;
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct pkt syn;
	cpu_set_t saved;
	int cpu;

	fx_web_service(f);
	pkt_build(&syn, &s);
	set_tcp_flags(&syn, TCP_SYN);
	set_flow_settings(f, 0, 5);
	/* A full window that ended long ago: the next insert opens a new one. */
	set_guard(f, 0, 5);
	cpu = pin_to_this_cpu(&saved);
	send_to(f, &syn, 1);
	assert_true(has_flow(f, &syn));
	assert_int_equal(guard_inserts(f, cpu), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_GUARD_SKIP), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
}

static void test_guard_off_records_syns(void **state)
{
	struct fixture *f = *state;
	struct pkt in;
	int i;

	fx_web_service(f);
	/* A full window is no limit while the guard is off. */
	set_guard(f, coarse_now() + 3600 * SEC_NS, 1000);
	for (i = 0; i < 10; i++) {
		struct pkt_spec s = spec_tcp(CLIENT4, 40000 + i, VIP4, 80);

		pkt_build(&in, &s);
		set_tcp_flags(&in, TCP_SYN);
		send_to(f, &in, 1);
	}
	assert_int_equal(fx_flow_count(f), 10);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_GUARD_SKIP), 0);
}

static void test_new_flow_counters(void **state)
{
	struct fixture *f = *state;
	const uint32_t ids[] = { 2, 3 };
	uint64_t seen[4] = {0};
	struct pkt in, out, whole, frag;
	int i;

	/* Service 1: VIP4:80/tcp on backend 1. Service 4: VIP6, any UDP port, on 2 and 3. */
	fx_web_service(f);
	fx_service(f, VIP6, 0, IPPROTO_UDP, 4, 1, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 1, SLUICE_TABLE_SIZE_MIN, ids, 2);
	fx_backend(f, 2, 1, true);
	fx_backend(f, 3, 1, true);
	fx_settings(f, SLUICE_MALFORMED_PASS, 1);

	for (i = 0; i < 3; i++) {		/* one flow, three packets */
		struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);

		pkt_build(&in, &s);
		send_to(f, &in, 1);
	}
	for (i = 0; i < 40; i++) {		/* forty flows, two packets each */
		struct pkt_spec s = spec_tcp(CLIENT6, 20000 + i, VIP6, 4000 + i);

		s.proto = IPPROTO_UDP;
		pkt_build(&in, &s);
		assert_int_equal(fx_run(f, &in, &out), XDP_TX);
		seen[backend_of(&out)]++;
		send_to(f, &in, backend_of(&out));
	}
	{					/* fragments are no flow */
		struct pkt_spec s = spec_tcp(CLIENT6, 20000, VIP6, 4000);

		s.proto = IPPROTO_UDP;
		s.payload_len = 200;
		pkt_build(&whole, &s);
		pkt_fragment(&frag, &whole, 0, 96, true);
		assert_int_equal(fx_run(f, &frag, &out), XDP_TX);
	}

	assert_int_equal(new_flows(f, "service_flows", 1), 1);
	assert_int_equal(new_flows(f, "service_flows", 4), 40);
	assert_int_equal(new_flows(f, "backend_flows", 1), 1);
	assert_int_equal(new_flows(f, "backend_flows", 2), seen[2]);
	assert_int_equal(new_flows(f, "backend_flows", 3), seen[3]);
	assert_int_equal(seen[2] + seen[3], 40);
	/* Packets still count every packet, new flows only the first. */
	assert_int_equal(fx_counter(fx_map_fd(f, "service_stats"), 4).packets, 81);
}

#define FLOW_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest flows_tests[] = {
	FLOW_TEST(test_drain_deadline_past_moves_flow),
	FLOW_TEST(test_drain_deadline_future_keeps_flow),
	FLOW_TEST(test_drain_without_deadline_keeps_flow),
	FLOW_TEST(test_deadline_ignored_unless_draining),
	FLOW_TEST(test_udp_idle_flow_rehashed),
	FLOW_TEST(test_udp_recent_flow_kept),
	FLOW_TEST(test_udp_idle_off_keeps_flow),
	FLOW_TEST(test_tcp_flow_never_expires),
	FLOW_TEST(test_udp_seen_refresh_bounded),
	FLOW_TEST(test_udp_seen_written_on_insert),
	FLOW_TEST(test_guard_limits_new_flows),
	FLOW_TEST(test_guard_window_rolls_over),
	FLOW_TEST(test_guard_off_records_syns),
	FLOW_TEST(test_new_flow_counters),
};
const size_t n_flows_tests = sizeof(flows_tests) / sizeof(flows_tests[0]);
