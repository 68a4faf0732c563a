// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The root (xdp/abi.h) selects the generation packets see: services, backends and
 * settings of the other generation are not looked at until the root names it, and
 * a flow recorded under one generation keeps its backend under the next when that
 * backend is in both, as an apply that keeps it leaves it.
 */
#include <linux/bpf.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

#define GEN1	SLUICE_ROOT_GEN

/* Generation 1's copy of the settings generation 0 holds, with its malformed policy. */
static void gen1_settings(struct fixture *f, uint32_t malformed_policy)
{
	int fd = fx_map_fd(f, "settings");
	uint32_t zero = 0, one = 1;
	struct sluice_settings s;

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &s), 0);
	s.malformed_policy = malformed_policy;
	assert_int_equal(bpf_map_update_elem(fd, &one, &s, BPF_ANY), 0);
}

/* Generation 1's entry of backend id, as fx_backend writes generation 0's. */
static void gen1_backend(struct fixture *f, uint32_t id, uint32_t gen)
{
	uint32_t index = SLUICE_BACKEND_INDEX(1, id);
	struct sluice_backend be;

	memset(&be, 0, sizeof(be));
	fx_backend_mac(id, be.mac);
	be.family = SLUICE_AF_INET;
	be.flags = SLUICE_BACKEND_F_LIVE;
	be.gen = gen;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "backends"), &index, &be, BPF_ANY), 0);
}

/* VIP4:80/tcp in generation 1, its table in slot 1. */
static void gen1_web_service(struct fixture *f)
{
	struct sluice_service svc = {
		.id = 1,
		.table_slot = 1,
		.table_size = SLUICE_TABLE_SIZE_MIN,
		.forward = SLUICE_FWD_L2DSR,
	};
	struct sluice_vip_key key;

	memset(&key, 0, sizeof(key));
	assert_int_equal(inet_pton(AF_INET, VIP4, key.addr), 1);
	key.port = htons(80);
	key.proto = IPPROTO_TCP;
	key.family = SLUICE_GEN_FAMILY(1, SLUICE_AF_INET);
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "services"), &key, &svc, BPF_ANY), 0);
}

static int send_tcp(struct fixture *f, uint16_t sport, struct pkt *out)
{
	struct pkt_spec s = spec_tcp(CLIENT4, sport, VIP4, 80);
	struct pkt in;

	pkt_build(&in, &s);
	return fx_run(f, &in, out);
}

static int send_dns(struct fixture *f)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 5353, VIP4, 53);
	struct pkt in, out;

	s.proto = IPPROTO_UDP;
	pkt_build(&in, &s);
	return fx_run(f, &in, &out);
}

/*
 * Generation 0: the web service on backend 1, and DNS. Generation 1: the web service
 * on backend 2 (backend 1 kept, as an apply that keeps it), no DNS.
 */
static void test_generation_selects_services_and_backends(void **state)
{
	const uint32_t one = 1, two = 2;
	struct fixture *f = *state;
	struct pkt out;

	fx_web_service(f);
	fx_service(f, VIP4, 53, IPPROTO_UDP, 2, 2, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 2, SLUICE_TABLE_SIZE_MIN, &one, 1);
	gen1_settings(f, SLUICE_MALFORMED_PASS);
	gen1_web_service(f);
	fx_table(f, 1, SLUICE_TABLE_SIZE_MIN, &two, 1);
	gen1_backend(f, 1, 1);
	gen1_backend(f, 2, 1);

	assert_int_equal(send_tcp(f, 40000, &out), XDP_TX);
	assert_int_equal(backend_of(&out), 1);
	assert_int_equal(send_tcp(f, 40001, &out), XDP_TX);
	assert_int_equal(backend_of(&out), 1);
	assert_int_equal(send_dns(f), XDP_TX);

	fx_set_root(f, fx_root(f) | GEN1);
	assert_int_equal(send_tcp(f, 40000, &out), XDP_TX);
	assert_int_equal(backend_of(&out), 1);	/* established: its backend is kept */
	assert_int_equal(send_tcp(f, 40002, &out), XDP_TX);
	assert_int_equal(backend_of(&out), 2);	/* new: generation 1's table */
	assert_int_equal(send_dns(f), XDP_PASS);	/* not a VIP of generation 1 */
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_STALE), 0);

	fx_set_root(f, fx_root(f) & ~GEN1);
	assert_int_equal(send_tcp(f, 40003, &out), XDP_TX);
	assert_int_equal(backend_of(&out), 1);
	assert_int_equal(send_dns(f), XDP_TX);
}

/* A backend that is live only in the other generation is not one. */
static void test_backend_of_other_generation_unseen(void **state)
{
	const uint32_t two = 2;
	struct fixture *f = *state;
	struct pkt out;

	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &two, 1);
	gen1_backend(f, 2, 1);
	assert_int_equal(send_tcp(f, 40000, &out), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_LB_NO_BACKEND), 1);
}

/* The one flow the table holds now points where flow says. */
static void set_only_flow(struct fixture *f, const struct sluice_flow *flow)
{
	int fd = fx_map_fd(f, "flows");
	struct sluice_flow_key key;

	assert_int_equal(fx_flow_count(f), 1);
	assert_int_equal(bpf_map_get_next_key(fd, NULL, &key), 0);
	assert_int_equal(bpf_map_update_elem(fd, &key, flow, BPF_EXIST), 0);
}

/* A flow naming an id past the id space never reaches the other generation's entry. */
static void test_flow_id_past_id_space_is_stale(void **state)
{
	struct sluice_flow flow = { .backend_id = SLUICE_MAX_BACKENDS + 1, .backend_gen = 1 };
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct fixture *f = *state;
	struct pkt in, out;

	fx_web_service(f);
	gen1_backend(f, 1, 1);
	pkt_build(&in, &s);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	/* Its id as generation 0's index would alias generation 1's backend 1. */
	set_only_flow(f, &flow);
	assert_int_equal(fx_run(f, &in, &out), XDP_TX);
	assert_int_equal(backend_of(&out), 1);
	assert_int_equal(fx_stat(f, SLUICE_STAT_FLOW_STALE), 1);
}

/* Settings too: each generation's malformed policy. */
static void test_generation_selects_settings(void **state)
{
	struct pkt_spec s = spec_tcp(CLIENT4, 40000, VIP4, 80);
	struct fixture *f = *state;
	struct pkt in, out;

	fx_web_service(f);
	gen1_settings(f, SLUICE_MALFORMED_DROP);
	pkt_build(&in, &s);
	in.len -= 10;	/* the TCP header cut short */
	assert_int_equal(fx_run(f, &in, &out), XDP_PASS);
	fx_set_root(f, fx_root(f) | GEN1);
	assert_int_equal(fx_run(f, &in, &out), XDP_DROP);
	assert_int_equal(fx_stat(f, SLUICE_STAT_MALFORMED), 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest root_tests[] = {
	T(test_generation_selects_services_and_backends),
	T(test_backend_of_other_generation_unseen),
	T(test_flow_id_past_id_space_is_stale),
	T(test_generation_selects_settings),
};
const size_t n_root_tests = sizeof(root_tests) / sizeof(root_tests[0]);
