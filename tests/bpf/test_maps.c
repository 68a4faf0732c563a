// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The maps as the control plane finds them: names, types and sizes from the
 * contract, and Maglev tables of every allowed size accepted by the outer map.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "tests/bpf/fixture.h"
#include "tests/bpf/suites.h"

struct map_contract {
	const char *name;
	enum bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
};

static const struct map_contract contract[] = {
	{ ".data.root", BPF_MAP_TYPE_ARRAY, 4, 4, 1 },
	{ "settings", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_settings), SLUICE_GENERATIONS },
	{ "identity", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_identity), 1 },
	{ "stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct sluice_counter),
	  SLUICE_STAT_MAX },
	{ "services", BPF_MAP_TYPE_HASH, sizeof(struct sluice_vip_key),
	  sizeof(struct sluice_service), SLUICE_MAX_SERVICES },
	{ "maglev_tables", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, SLUICE_TABLE_SLOTS },
	{ "backends", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_backend),
	  SLUICE_GENERATIONS * SLUICE_MAX_BACKENDS },
	{ "flows", BPF_MAP_TYPE_LRU_HASH, sizeof(struct sluice_flow_key),
	  sizeof(struct sluice_flow), SLUICE_FLOW_ENTRIES },
	{ "filter_headers", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_filter_header), 2 },
	{ "filter_fixed", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_filter_fixed), 2 },
	{ "filter_tables", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2 },
	{ "filter_prefixes", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2 },
	{ "filter_pairs", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2 },
	{ "filter_mixed", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2 },
	{ "rule_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct sluice_counter),
	  SLUICE_RULE_COUNTERS },
	{ "rule_limited", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct sluice_counter),
	  SLUICE_RULE_IDS },
	{ "rule_limits", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_limit),
	  2 * SLUICE_RULE_IDS },
	{ "rule_buckets", BPF_MAP_TYPE_ARRAY, 4, 8, SLUICE_RULE_IDS },
	{ "limit_sources", BPF_MAP_TYPE_LRU_HASH, sizeof(struct sluice_limit_key), 8,
	  SLUICE_LIMIT_SOURCES },
	{ "service_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct sluice_counter),
	  SLUICE_MAX_SERVICES },
	{ "backend_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct sluice_counter),
	  SLUICE_MAX_BACKENDS },
	{ "service_meta", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_service_meta),
	  SLUICE_MAX_SERVICES },
	{ "rule_meta", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct sluice_rule_meta),
	  SLUICE_RULE_COUNTERS },
};

static void test_maps_match_contract(void **state)
{
	struct fixture *f = *state;
	size_t i;

	/* Including the two that the program never reads: they must exist to be pinned. */
	for (i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
		const struct map_contract *c = &contract[i];
		struct bpf_map_info info;
		uint32_t len = sizeof(info);

		memset(&info, 0, sizeof(info));
		assert_int_equal(bpf_obj_get_info_by_fd(fx_map_fd(f, c->name), &info, &len), 0);
		assert_string_equal(info.name, c->name);
		assert_int_equal(info.type, c->type);
		assert_int_equal(info.key_size, c->key_size);
		assert_int_equal(info.value_size, c->value_size);
		assert_int_equal(info.max_entries, c->max_entries);
	}
}

static void test_tables_of_every_size(void **state)
{
	struct fixture *f = *state;
	const uint32_t sizes[] = {
		SLUICE_TABLE_SIZE_MIN, SLUICE_TABLE_SIZE_DEFAULT, SLUICE_TABLE_SIZE_MAX,
	};
	const uint32_t ids[] = { 1, 2, 3, 4 };
	uint32_t i, id;

	for (id = 1; id <= 4; id++)
		fx_backend(f, id, 1, true);
	for (i = 0; i < 3; i++) {
		bool seen[5] = {false};
		unsigned int port, used = 0;

		fx_service(f, VIP4, 80, IPPROTO_TCP, 1, i, sizes[i]);
		fx_table(f, i, sizes[i], ids, 4);
		for (port = 1000; port < 1032; port++) {
			struct pkt_spec s = spec_tcp(CLIENT4, port, VIP4, 80);
			struct pkt in, out;

			pkt_build(&in, &s);
			assert_int_equal(fx_run(f, &in, &out), XDP_TX);
			id = backend_of(&out);
			assert_in_range(id, 1, 4);
			assert_forwarded(&in, &out, id);
			seen[id] = true;
		}
		for (id = 1; id <= 4; id++)
			used += seen[id];
		/* The whole table is reachable, not only a corner of it. */
		assert_true(used > 1);
	}
}

static void test_table_needs_inner_map_flag(void **state)
{
	struct fixture *f = *state;
	uint32_t slot = 0;
	int fd;

	/* What the control plane must not do: a plain array is refused. */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "plain", 4, 4, SLUICE_TABLE_SIZE_MIN, NULL);
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "maglev_tables"), &slot, &fd,
					     BPF_ANY), -EINVAL);
	close(fd);
}

#define MAPS_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

const struct CMUnitTest maps_tests[] = {
	MAPS_TEST(test_maps_match_contract),
	MAPS_TEST(test_tables_of_every_size),
	MAPS_TEST(test_table_needs_inner_map_flag),
};
const size_t n_maps_tests = sizeof(maps_tests) / sizeof(maps_tests[0]);
