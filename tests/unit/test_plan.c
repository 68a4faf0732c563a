// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The apply planner as operators depend on it: ids (and so established flows and
 * counters) survive applies, tables follow the config, removals wait until nothing
 * points at what they remove, and a full data plane is refused with a clear error.
 *
 * Plans are played against a model of the maps, and after every single write the
 * model is checked the way the data plane reads it, so a write order that would
 * show packets a half-made state fails here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "plan/plan.h"

/* Fake fds: plan_build only records them, so they name the map each op writes. */
static const struct sluice_maps maps = {
	.settings = 100, .stats = 101, .services = 102, .maglev_tables = 103,
	.backends = 104, .flows = 105, .root = 106, .filter_headers = 107,
	.filter_fixed = 108, .filter_tables = 109, .filter_prefixes = 110, .filter_pairs = 111,
	.filter_mixed = 112, .rule_stats = 113, .rule_limited = 114, .rule_limits = 115,
	.limit_sources = 116, .service_stats = 117, .backend_stats = 118, .service_meta = 119,
	.rule_meta = 120, .service_flows = 121, .backend_flows = 122, .flow_guard = 123,
	.tx_ports = 124, .rule_buckets = 125,
};

/* CLOCK_MONOTONIC as the planner is told it; tests move it to see deadlines. */
static __u64 now_ns;

/* The interface's MAC as the planner is told it; tests change it as `ip link` would. */
#define IF_MAC	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
static __u8 if_mac[6] = IF_MAC;

/* Resolved paths, one per backend in file order; tests may change one. */
#define N_PATHS	SLUICE_CONF_BACKENDS
static struct backend_path paths[N_PATHS];

static void reset_paths(void)
{
	for (size_t i = 0; i < N_PATHS; i++) {
		const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, (uint8_t)(i + 1) };

		memcpy(paths[i].mac, mac, sizeof(mac));
		paths[i].ifindex = 1;
	}
	now_ns = 0;
	memcpy(if_mac, (const __u8 [6])IF_MAC, sizeof(if_mac));
}

/* Counter value left by an earlier owner of an id, to see whether it is reset. */
#define OLD_TRAFFIC	977

/* The pinned maps as the data plane and `sluice status` would find them. */
struct sim {
	struct live_state live;
	struct sluice_service_meta service_meta[SLUICE_MAX_SERVICES];
	uint32_t *tables[SLUICE_TABLE_SLOTS];
	uint32_t table_len[SLUICE_TABLE_SLOTS];
	struct sluice_counter service_stats[SLUICE_MAX_SERVICES];
	struct sluice_counter backend_stats[SLUICE_MAX_BACKENDS];
	struct sluice_counter rule_stats[SLUICE_RULE_COUNTERS];
	__u64 service_flows[SLUICE_MAX_SERVICES];
	__u64 backend_flows[SLUICE_MAX_BACKENDS];
	struct sluice_counter rule_limited[SLUICE_RULE_IDS];
	struct sluice_limit rule_limits[2 * SLUICE_RULE_IDS];
	/* The classifier's slots: which inner maps each holds, and its header. */
	uint32_t filter_cells[2];
	bool filter_fixed[2], filter_trie[2], filter_pairs[2], filter_mixed[2];
	struct sluice_filter_header filter_headers[2];
	bool rules_written;	/* rule_meta changed: order the rules again */
	/*
	 * Check what packets may meet after the whole plan only, not after each write:
	 * for configs of thousands of services or backends, which the small ones cover.
	 */
	bool check_at_end;
};

static struct sim *sim_new(void)
{
	struct sim *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	for (size_t i = 0; i < SLUICE_MAX_SERVICES; i++)
		s->service_stats[i].packets = OLD_TRAFFIC;
	for (size_t i = 0; i < SLUICE_MAX_BACKENDS; i++)
		s->backend_stats[i].packets = OLD_TRAFFIC;
	for (size_t i = 0; i < SLUICE_MAX_SERVICES; i++)
		s->service_flows[i] = OLD_TRAFFIC;
	for (size_t i = 0; i < SLUICE_MAX_BACKENDS; i++)
		s->backend_flows[i] = OLD_TRAFFIC;
	for (size_t i = 0; i < SLUICE_RULE_COUNTERS; i++)
		s->rule_stats[i].packets = OLD_TRAFFIC;
	for (size_t i = 0; i < SLUICE_RULE_IDS; i++)
		s->rule_limited[i].packets = OLD_TRAFFIC;
	return s;
}

static void sim_free(struct sim *s)
{
	for (size_t i = 0; i < SLUICE_TABLE_SLOTS; i++)
		free(s->tables[i]);
	free(s);
}

static uint32_t key_index(const struct op *op)
{
	uint32_t idx;

	assert_int_equal(op->key_len, sizeof(idx));
	memcpy(&idx, op->key, sizeof(idx));
	return idx;
}

static void expect_update(const struct op *op, size_t value_len)
{
	assert_int_equal(op->kind, OP_UPDATE);
	assert_int_equal(op->value_len, value_len);
	assert_non_null(op->value);
}

/* A per-CPU counter write: the map then holds the sum of the cells written. */
static void write_counter(struct sluice_counter *cells, uint32_t n, const struct op *op)
{
	size_t ncpus = (size_t)maps_ncpus();
	const struct sluice_counter *v = op->value;
	uint32_t idx = key_index(op);

	expect_update(op, ncpus * sizeof(*v));
	assert_in_range(idx, 0, n - 1);
	memset(&cells[idx], 0, sizeof(cells[idx]));
	for (size_t cpu = 0; cpu < ncpus; cpu++) {
		cells[idx].packets += v[cpu].packets;
		cells[idx].bytes += v[cpu].bytes;
	}
}

/* A per-CPU new-flow counter write: the map then holds the sum of the cells. */
static void write_new_flows(__u64 *cells, uint32_t n, const struct op *op)
{
	size_t ncpus = (size_t)maps_ncpus();
	const struct sluice_flow_counter *v = op->value;
	uint32_t idx = key_index(op);

	expect_update(op, ncpus * sizeof(*v));
	assert_in_range(idx, 0, n - 1);
	cells[idx] = 0;
	for (size_t cpu = 0; cpu < ncpus; cpu++)
		cells[idx] += v[cpu].new_flows;
}

/* tx_ports is ifindex -> the same ifindex; the model keeps them sorted like live_read(). */
static void write_tx_port(struct sim *s, const struct op *op)
{
	struct live_state *l = &s->live;
	uint32_t ifindex = key_index(op);
	size_t i;

	for (i = 0; i < l->n_tx_ports && l->tx_ports[i] < ifindex; i++)
		;
	if (op->kind == OP_DELETE) {
		if (i < l->n_tx_ports && l->tx_ports[i] == ifindex)
			memmove(&l->tx_ports[i], &l->tx_ports[i + 1],
				(--l->n_tx_ports - i) * sizeof(l->tx_ports[0]));
		return;
	}
	expect_update(op, sizeof(uint32_t));
	assert_memory_equal(op->value, &ifindex, sizeof(ifindex));
	if (i < l->n_tx_ports && l->tx_ports[i] == ifindex)
		return;
	assert_in_range(l->n_tx_ports, 0, SLUICE_TX_PORTS - 1);
	memmove(&l->tx_ports[i + 1], &l->tx_ports[i],
		(l->n_tx_ports++ - i) * sizeof(l->tx_ports[0]));
	l->tx_ports[i] = ifindex;
}

static struct live_service *find_service(struct sim *s, const struct sluice_vip_key *key)
{
	for (size_t i = 0; i < s->live.n_services; i++)
		if (!memcmp(&s->live.services[i].key, key, sizeof(*key)))
			return &s->live.services[i];
	return NULL;
}

static void write_service(struct sim *s, const struct op *op)
{
	struct live_service *svc;

	assert_int_equal(op->key_len, sizeof(struct sluice_vip_key));
	svc = find_service(s, op->key);
	if (op->kind == OP_DELETE) {
		if (svc)
			*svc = s->live.services[--s->live.n_services];
		return;
	}
	expect_update(op, sizeof(svc->val));
	if (!svc) {
		assert_in_range(s->live.n_services, 0, SLUICE_MAX_SERVICES - 1);
		svc = &s->live.services[s->live.n_services++];
		memcpy(&svc->key, op->key, sizeof(svc->key));
	}
	memcpy(&svc->val, op->value, sizeof(svc->val));
}

static void write_table(struct sim *s, const struct op *op)
{
	uint32_t slot = key_index(op);

	assert_in_range(slot, 0, SLUICE_TABLE_SLOTS - 1);
	free(s->tables[slot]);
	s->tables[slot] = NULL;
	s->table_len[slot] = 0;
	if (op->kind == OP_DELETE)
		return;
	assert_int_equal(op->kind, OP_INNER);
	assert_int_equal(op->inner_value_size, sizeof(uint32_t));
	assert_in_range(op->inner_entries, SLUICE_TABLE_SIZE_MIN, SLUICE_TABLE_SIZE_MAX);
	assert_int_equal(op->value_len, op->inner_entries * sizeof(uint32_t));
	s->tables[slot] = malloc(op->value_len);
	assert_non_null(s->tables[slot]);
	memcpy(s->tables[slot], op->value, op->value_len);
	s->table_len[slot] = op->inner_entries;
}

/* The classifier's maps: only the slot packets do not use may be written. */
static void write_filter(struct sim *s, const struct op *op)
{
	uint32_t slot = key_index(op);

	if (op->map_fd == maps.root) {
		expect_update(op, sizeof(uint32_t));
		assert_int_equal(slot, 0);
		s->live.filter_slot = *(const uint32_t *)op->value;
		assert_in_range(s->live.filter_slot, 0, 1);
		s->live.filter_header = s->filter_headers[s->live.filter_slot];
		return;
	}
	if (op->map_fd == maps.filter_fixed)
		expect_update(op, sizeof(struct sluice_filter_fixed));
	assert_in_range(slot, 0, 1);
	if (slot == s->live.filter_slot && s->live.filter_header.ready)
		fail_msg("a write to the classifier slot packets are using");
	if (op->map_fd == maps.filter_fixed) {
		s->filter_fixed[slot] = true;
		return;
	}
	if (op->map_fd == maps.filter_headers) {
		expect_update(op, sizeof(struct sluice_filter_header));
		memcpy(&s->filter_headers[slot], op->value, op->value_len);
	} else if (op->map_fd == maps.filter_tables) {
		assert_int_equal(op->kind, OP_INNER);
		assert_int_equal(op->inner_value_size, sizeof(uint64_t));
		s->filter_cells[slot] = op->inner_entries;
	} else {
		assert_int_equal(op->kind, OP_INNER_KEYED);
		if (op->map_fd == maps.filter_prefixes)
			s->filter_trie[slot] = true;
		else if (op->map_fd == maps.filter_pairs)
			s->filter_pairs[slot] = true;
		else
			s->filter_mixed[slot] = true;
	}
}

static void write_op(struct sim *s, const struct op *op)
{
	uint32_t idx;

	if (op->map_fd == maps.services) {
		write_service(s, op);
	} else if (op->map_fd == maps.maglev_tables) {
		write_table(s, op);
	} else if (op->map_fd == maps.root || op->map_fd == maps.filter_headers ||
		   op->map_fd == maps.filter_fixed || op->map_fd == maps.filter_tables ||
		   op->map_fd == maps.filter_prefixes ||
		   op->map_fd == maps.filter_pairs || op->map_fd == maps.filter_mixed) {
		write_filter(s, op);
	} else if (op->map_fd == maps.settings) {
		expect_update(op, sizeof(s->live.settings));
		assert_int_equal(key_index(op), 0);
		memcpy(&s->live.settings, op->value, sizeof(s->live.settings));
	} else if (op->map_fd == maps.backends) {
		expect_update(op, sizeof(struct sluice_backend));
		idx = key_index(op);
		assert_in_range(idx, 1, SLUICE_MAX_BACKENDS - 1);
		memcpy(&s->live.backends[idx], op->value, op->value_len);
	} else if (op->map_fd == maps.service_meta) {
		expect_update(op, sizeof(struct sluice_service_meta));
		idx = key_index(op);
		assert_in_range(idx, 0, SLUICE_MAX_SERVICES - 1);
		memcpy(&s->service_meta[idx], op->value, op->value_len);
	} else if (op->map_fd == maps.rule_meta) {
		expect_update(op, sizeof(struct sluice_rule_meta));
		idx = key_index(op);
		assert_in_range(idx, 0, SLUICE_RULE_COUNTERS - 1);
		memcpy(&s->live.rule_meta[idx], op->value, op->value_len);
		s->rules_written = true;
	} else if (op->map_fd == maps.service_stats) {
		write_counter(s->service_stats, SLUICE_MAX_SERVICES, op);
	} else if (op->map_fd == maps.backend_stats) {
		write_counter(s->backend_stats, SLUICE_MAX_BACKENDS, op);
	} else if (op->map_fd == maps.rule_stats) {
		write_counter(s->rule_stats, SLUICE_RULE_COUNTERS, op);
	} else if (op->map_fd == maps.rule_limited) {
		write_counter(s->rule_limited, SLUICE_RULE_IDS, op);
	} else if (op->map_fd == maps.service_flows) {
		write_new_flows(s->service_flows, SLUICE_MAX_SERVICES, op);
	} else if (op->map_fd == maps.backend_flows) {
		write_new_flows(s->backend_flows, SLUICE_MAX_BACKENDS, op);
	} else if (op->map_fd == maps.tx_ports) {
		write_tx_port(s, op);
	} else if (op->map_fd == maps.rule_limits) {
		expect_update(op, sizeof(struct sluice_limit));
		idx = key_index(op);
		assert_in_range(idx, 0, 2 * SLUICE_RULE_IDS - 1);
		if (idx / SLUICE_RULE_IDS == s->live.filter_slot && s->live.filter_header.ready)
			fail_msg("a write to the rate limits of the slot packets are using");
		memcpy(&s->rule_limits[idx], op->value, op->value_len);
	} else if (op->map_fd == maps.rule_buckets) {
		expect_update(op, sizeof(uint64_t));
		idx = key_index(op);
		assert_in_range(idx, 0, SLUICE_RULE_IDS - 1);
		if (s->live.rule_meta[idx].in_use)
			fail_msg("a bucket reset of rule counter %u, which packets are using", idx);
	} else {
		fail_msg("write to a map the planner does not own (fd %d)", op->map_fd);
	}
}

/* What a packet may meet between two writes: every reachable piece must be whole. */
static void check_packet_view(const struct sim *s)
{
	for (size_t i = 0; i < s->live.n_services; i++) {
		const struct sluice_service *v = &s->live.services[i].val;
		const uint32_t *table = s->tables[v->table_slot];

		if (!s->live.services[i].key.port && !s->live.settings.have_any_port_vips)
			fail_msg("service %u has port 0 but the port-0 lookup is off", v->id);
		if (v->table_slot / 2 != v->id)
			fail_msg("service %u points at slot %u, not one of its own", v->id,
				 v->table_slot);
		if (!table || s->table_len[v->table_slot] != v->table_size)
			fail_msg("service %u points at a missing or wrong-sized table", v->id);
		for (uint32_t j = 0; j < v->table_size; j++) {
			const struct sluice_backend *be = &s->live.backends[table[j]];

			if (table[j] && (table[j] >= SLUICE_MAX_BACKENDS ||
					 !(be->flags & SLUICE_BACKEND_F_LIVE) ||
					 be->service_id != v->id))
				fail_msg("service %u slot %u holds backend %u, not one of its "
					 "live backends", v->id, j, table[j]);
		}
	}
	if (s->live.filter_header.ready) {
		const struct sluice_filter_header *h = &s->live.filter_header;
		uint32_t slot = s->live.filter_slot;

		if (!s->filter_fixed[slot] || !s->filter_trie[slot] || !s->filter_pairs[slot] ||
		    !s->filter_mixed[slot] ||
		    s->filter_cells[slot] < h->count_off + SLUICE_MAX_COUNT_RULES)
			fail_msg("packets use classifier slot %u before it is complete", slot);
	}
}

/* Play a plan write by write, then read the names back as live_read() would. */
static void run(struct sim *s, const struct plan *p)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		write_op(s, &p->ops[i]);
		if (!s->check_at_end)
			check_packet_view(s);
	}
	check_packet_view(s);
	if (s->rules_written)
		live_order_rules(&s->live);
	s->rules_written = false;
	for (size_t i = 0; i < s->live.n_services; i++)
		s->live.services[i].meta = s->service_meta[s->live.services[i].val.id];
	/* Metadata is written last, rule by rule; once it is all there it must close the set. */
	if (s->live.n_rules &&
	    s->live.rules[s->live.n_rules - 1].counter != SLUICE_DEFAULT_RULE_COUNTER)
		fail_msg("the rule set does not end with the default rule");
}

static void load(const char *yaml, struct conf *cfg)
{
	char err[CONF_ERR_LEN];

	if (conf_load_buffer("t.yaml", yaml, strlen(yaml), cfg, err, sizeof(err)))
		fail_msg("test config refused: %s", err);
}

static void plan_cfg(struct plan *p, const struct sim *s, const struct conf *cfg)
{
	memset(p, 0, sizeof(*p));
	assert_int_equal(plan_build(p, &maps, &s->live, cfg, paths, NULL, if_mac, now_ns), 0);
}

static void plan_of(struct plan *p, const struct sim *s, const char *yaml)
{
	struct conf cfg;

	load(yaml, &cfg);
	plan_cfg(p, s, &cfg);
	conf_free(&cfg);
}

static void apply_cfg(struct sim *s, const struct conf *cfg)
{
	struct plan p;

	plan_cfg(&p, s, cfg);
	run(s, &p);
	plan_free(&p);
	plan_free(&p);
}

static void apply(struct sim *s, const char *yaml)
{
	struct conf cfg;

	load(yaml, &cfg);
	apply_cfg(s, &cfg);
	conf_free(&cfg);
}

/* ---- reading the outcome ---- */

static struct live_service *service(struct sim *s, const char *name)
{
	for (size_t i = 0; i < s->live.n_services; i++)
		if (!strcmp(s->live.services[i].meta.name, name))
			return &s->live.services[i];
	fail_msg("no live service %s", name);
	return NULL;
}

static bool addr_is(const struct sluice_backend *be, const char *text)
{
	uint8_t bytes[16] = {0};
	bool v6 = strchr(text, ':');

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, text, bytes), 1);
	return be->family == (v6 ? SLUICE_AF_INET6 : SLUICE_AF_INET) &&
	       !memcmp(be->addr, bytes, sizeof(bytes));
}

/* Live id of backend `addr` of service `name`, 0 if it has none. */
static uint32_t backend_id(struct sim *s, const char *name, const char *addr)
{
	uint32_t sid = service(s, name)->val.id;

	for (uint32_t id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *be = &s->live.backends[id];

		if ((be->flags & SLUICE_BACKEND_F_LIVE) && be->service_id == sid &&
		    addr_is(be, addr))
			return id;
	}
	return 0;
}

static const uint32_t *active_table(struct sim *s, const char *name)
{
	const struct sluice_service *v = &service(s, name)->val;

	assert_non_null(s->tables[v->table_slot]);
	return s->tables[v->table_slot];
}

static uint32_t slots_held(struct sim *s, const char *name, uint32_t id)
{
	const struct sluice_service *v = &service(s, name)->val;
	const uint32_t *t = active_table(s, name);
	uint32_t n = 0;

	for (uint32_t j = 0; j < v->table_size; j++)
		n += t[j] == id;
	return n;
}

static void vip_key(struct sluice_vip_key *k, const char *addr, uint16_t port, uint8_t proto)
{
	memset(k, 0, sizeof(*k));
	assert_int_equal(inet_pton(AF_INET, addr, k->addr), 1);
	k->port = htons(port);
	k->proto = proto;
	k->family = SLUICE_AF_INET;
}

/* Index of the first op of this kind on this map and key, or -1. */
static long op_at(const struct plan *p, int fd, enum op_kind kind, const void *key,
		  uint32_t key_len)
{
	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].map_fd == fd && p->ops[i].kind == kind &&
		    p->ops[i].key_len == key_len && !memcmp(p->ops[i].key, key, key_len))
			return (long)i;
	return -1;
}

static long op_at_index(const struct plan *p, int fd, enum op_kind kind, uint32_t idx)
{
	return op_at(p, fd, kind, &idx, sizeof(idx));
}

static size_t ops_on(const struct plan *p, int fd)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_ops; i++)
		n += p->ops[i].map_fd == fd;
	return n;
}

static long last_op_on(const struct plan *p, int fd)
{
	long last = -1;

	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].map_fd == fd)
			last = (long)i;
	return last;
}

/* Is there a note line holding both words (b may be NULL)? */
static bool noted(const struct plan *p, const char *a, const char *b)
{
	for (size_t i = 0; i < p->n_notes; i++)
		if (strstr(p->notes[i], a) && (!b || strstr(p->notes[i], b)))
			return true;
	return false;
}

/* ---- configs ---- */

#define WEB(backends)								\
	"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp, table_size: 251,\n"	\
	"     backends: [" backends "]}\n"
#define DNS(backends)								\
	"  - {name: dns, vip: 192.0.2.10, port: 53, proto: udp, table_size: 251,\n"	\
	"     backends: [" backends "]}\n"
#define W1	"{addr: 10.0.1.1}"
#define W2	"{addr: 10.0.1.2}"
#define W3	"{addr: 10.0.1.3}"
#define W4	"{addr: 10.0.1.4}"
#define D123	"{addr: 10.0.2.1}, {addr: 10.0.2.2}, {addr: 10.0.2.3}"

static const char two_services[] =
	"services:\n" WEB(W1 ", " W2 ", " W3) DNS(D123);

static const char *const web_addrs[] = { "10.0.1.1", "10.0.1.2", "10.0.1.3" };
static const char *const dns_addrs[] = { "10.0.2.1", "10.0.2.2", "10.0.2.3" };

static int setup(void **state)
{
	reset_paths();
	*state = sim_new();
	return 0;
}

static int teardown(void **state)
{
	sim_free(*state);
	return 0;
}

/* ---- services and backends ---- */

static void check_fresh_service(struct sim *s, struct plan *p, const char *name,
				const char *const addrs[3], size_t mac_base, uint32_t *ids)
{
	const struct live_service *svc = service(s, name);

	assert_int_equal(svc->meta.in_use, 1);
	assert_int_equal(svc->val.forward, SLUICE_FWD_L2DSR);
	assert_int_equal(svc->val.table_size, 251);
	assert_int_equal(s->service_stats[svc->val.id].packets, 0);
	assert_int_equal(s->service_flows[svc->val.id], 0);
	assert_true(noted(p, name, "added"));
	for (size_t i = 0; i < 3; i++) {
		uint32_t id = backend_id(s, name, addrs[i]);
		const struct sluice_backend *be = &s->live.backends[id];

		assert_in_range(id, 1, SLUICE_MAX_BACKENDS - 1);
		assert_int_equal(be->gen, 1);
		assert_int_equal(be->flags, SLUICE_BACKEND_F_LIVE);
		assert_int_equal(be->weight, CONF_WEIGHT_DEFAULT);
		assert_int_equal(be->state, SLUICE_BACKEND_ACTIVE);
		assert_memory_equal(be->mac, paths[mac_base + i].mac, 6);
		assert_int_equal(s->backend_stats[id].packets, 0);
		assert_int_equal(s->backend_flows[id], 0);
		assert_int_equal(be->drain_deadline_ns, 0);
		assert_true(slots_held(s, name, id) > 0);
		assert_true(noted(p, name, addrs[i]));
		ids[i] = id;
	}
	/* Every slot leads to one of this service's three backends. */
	for (uint32_t j = 0; j < 251; j++) {
		uint32_t b = active_table(s, name)[j];

		assert_true(b == ids[0] || b == ids[1] || b == ids[2]);
	}
}

static void test_first_apply(void **state)
{
	struct sim *s = *state;
	uint32_t ids[6];
	struct plan p;

	plan_of(&p, s, two_services);
	run(s, &p);
	assert_int_equal(s->live.n_services, 2);
	assert_int_not_equal(service(s, "web")->val.id, service(s, "dns")->val.id);
	check_fresh_service(s, &p, "web", web_addrs, 0, ids);
	check_fresh_service(s, &p, "dns", dns_addrs, 3, ids + 3);
	for (size_t i = 0; i < 6; i++)
		for (size_t j = i + 1; j < 6; j++)
			assert_int_not_equal(ids[i], ids[j]);
	plan_free(&p);
}

static void test_same_config_twice_writes_nothing(void **state)
{
	static const char cfg[] =
		"settings: {malformed: drop}\n"
		"filter:\n"
		"  default: deny\n"
		"  rules:\n"
		"    - {name: ssh, proto: tcp, dport: 22, src: 10.9.0.0/16, action: allow}\n"
		"    - {proto: udp, dport: 1024-65535, dst: '2001:db8::/32', action: deny}\n"
		"    - {proto: icmp, action: allow}\n"
		"services:\n"
		WEB(W1 ", {addr: 10.0.1.2, weight: 300}, {addr: 10.0.1.3, state: draining}")
		"  - {name: any6, vip: '2001:db8::10', proto: udp, table_size: 257,\n"
		"     backends: [{addr: '2001:db8::1:1'}, {addr: '2001:db8::1:2'}]}\n";
	struct sim *s = *state;
	struct plan p;

	apply(s, cfg);
	plan_of(&p, s, cfg);
	assert_int_equal(p.n_ops, 0);
	assert_int_equal(p.n_notes, 0);
	plan_free(&p);
}

static void test_removed_backend_stays_reserved_until_services_flipped(void **state)
{
	struct sim *s = *state;
	uint32_t kept1, kept2, gone, old_slot, dns_slot;
	struct plan p;
	long clear;

	apply(s, two_services);
	kept1 = backend_id(s, "web", "10.0.1.1");
	kept2 = backend_id(s, "web", "10.0.1.2");
	gone = backend_id(s, "web", "10.0.1.3");
	old_slot = service(s, "web")->val.table_slot;
	dns_slot = service(s, "dns")->val.table_slot;

	/* Dropping one backend and adding another in the same apply. */
	plan_of(&p, s, "services:\n" WEB(W1 ", " W2 ", " W4) DNS(D123));
	assert_true(noted(&p, "10.0.1.3", "removed"));
	clear = op_at_index(&p, maps.backends, OP_UPDATE, gone);
	assert_true(clear >= 0);
	assert_true(clear > last_op_on(&p, maps.services));
	assert_true(clear > last_op_on(&p, maps.maglev_tables));
	/* dns did not change: none of its table slots is written. */
	assert_int_equal(op_at_index(&p, maps.maglev_tables, OP_INNER, dns_slot), -1);
	assert_int_equal(op_at_index(&p, maps.maglev_tables, OP_INNER, dns_slot ^ 1), -1);
	run(s, &p);
	plan_free(&p);

	assert_int_equal(backend_id(s, "web", "10.0.1.1"), kept1);
	assert_int_equal(backend_id(s, "web", "10.0.1.2"), kept2);
	assert_int_equal(s->live.backends[kept1].gen, 1);
	assert_int_equal(s->live.backends[kept2].gen, 1);
	/* The newcomer could not take the id still in use while the apply ran. */
	assert_int_not_equal(backend_id(s, "web", "10.0.1.4"), gone);
	assert_false(s->live.backends[gone].flags & SLUICE_BACKEND_F_LIVE);
	assert_int_equal(s->live.backends[gone].gen, 1);
	assert_int_equal(slots_held(s, "web", gone), 0);
	assert_int_equal(service(s, "web")->val.table_slot, old_slot ^ 1);
	assert_int_equal(service(s, "dns")->val.table_slot, dns_slot);
}

/* What the flow table remembers of a connection. */
struct flow_memo {
	uint32_t id, gen;
};

static bool flow_alive(const struct sim *s, const struct flow_memo *f)
{
	const struct sluice_backend *be = &s->live.backends[f->id];

	return (be->flags & SLUICE_BACKEND_F_LIVE) && be->gen == f->gen;
}

static void remember_flows(struct sim *s, struct flow_memo flows[3])
{
	for (size_t i = 0; i < 3; i++) {
		flows[i].id = backend_id(s, "web", web_addrs[i]);
		flows[i].gen = s->live.backends[flows[i].id].gen;
	}
}

static void test_readded_backend_stales_old_flows(void **state)
{
	static const char without3[] = "services:\n" WEB(W1 ", " W2) DNS(D123);
	struct sim *s = *state;
	struct flow_memo flows[3];
	uint32_t id;

	apply(s, two_services);
	remember_flows(s, flows);
	apply(s, without3);
	assert_false(flow_alive(s, &flows[2]));

	/* The same address back: its old connections are gone, they must re-hash. */
	apply(s, two_services);
	id = backend_id(s, "web", "10.0.1.3");
	assert_int_not_equal(id, 0);
	assert_int_equal(s->live.backends[id].gen, id == flows[2].id ? flows[2].gen + 1 : 1);
	assert_false(flow_alive(s, &flows[2]));
	assert_true(flow_alive(s, &flows[0]));
	assert_true(flow_alive(s, &flows[1]));

	/* A different backend taking the freed id must not inherit its flows either. */
	remember_flows(s, flows);
	apply(s, without3);
	apply(s, "services:\n" WEB(W1 ", " W2 ", " W4) DNS(D123));
	id = backend_id(s, "web", "10.0.1.4");
	assert_int_equal(id, flows[2].id);
	assert_false(flow_alive(s, &flows[2]));
	assert_true(flow_alive(s, &flows[0]));
	assert_true(flow_alive(s, &flows[1]));
	assert_int_equal(s->backend_stats[id].packets, 0);
	assert_int_equal(s->backend_flows[id], 0);
}

static void test_weight_change_and_draining(void **state)
{
	static const char before[] =
		"services:\n"
		"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp,\n"
		"     backends: [{addr: 10.0.1.1}, {addr: 10.0.1.2}, {addr: 10.0.1.3}]}\n";
	static const char after[] =
		"services:\n"
		"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp,\n"
		"     backends: [{addr: 10.0.1.1, weight: 200},\n"
		"                {addr: 10.0.1.2, state: draining}, {addr: 10.0.1.3}]}\n";
	struct sim *s = *state;
	uint32_t ids[3], slot, heavy, light;
	struct plan p;

	apply(s, before);
	for (size_t i = 0; i < 3; i++)
		ids[i] = backend_id(s, "web", web_addrs[i]);
	slot = service(s, "web")->val.table_slot;

	plan_of(&p, s, after);
	assert_true(noted(&p, "10.0.1.1", "weight 100 -> 200"));
	assert_true(noted(&p, "10.0.1.2", "draining"));
	assert_true(op_at_index(&p, maps.maglev_tables, OP_INNER, slot ^ 1) >= 0);
	run(s, &p);
	plan_free(&p);

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(backend_id(s, "web", web_addrs[i]), ids[i]);
		assert_int_equal(s->live.backends[ids[i]].gen, 1);
	}
	assert_int_equal(service(s, "web")->val.table_slot, slot ^ 1);
	/* Draining: no new flows, but established ones stay valid. */
	assert_int_equal(slots_held(s, "web", ids[1]), 0);
	assert_int_equal(s->live.backends[ids[1]].flags,
			 SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING);
	assert_int_equal(s->live.backends[ids[1]].state, SLUICE_BACKEND_DRAINING);
	/* Weight 200 against 100: twice the share of new flows, within 1%. */
	heavy = slots_held(s, "web", ids[0]);
	light = slots_held(s, "web", ids[2]);
	assert_int_equal(heavy + light, SLUICE_TABLE_SIZE_DEFAULT);
	assert_in_range(heavy * 100, light * 198, light * 202);
}

static void test_all_backends_draining_empties_table(void **state)
{
	struct sim *s = *state;

	apply(s, "services:\n" WEB(W1 ", " W2));
	apply(s, "services:\n" WEB("{addr: 10.0.1.1, state: draining}, "
				   "{addr: 10.0.1.2, state: draining}"));
	for (uint32_t j = 0; j < 251; j++)
		assert_int_equal(active_table(s, "web")[j], 0);
	assert_true(s->live.backends[backend_id(s, "web", "10.0.1.1")].flags &
		    SLUICE_BACKEND_F_LIVE);
	assert_true(s->live.backends[backend_id(s, "web", "10.0.1.2")].flags &
		    SLUICE_BACKEND_F_LIVE);
}

static void test_mac_change_updates_backend_only(void **state)
{
	struct sim *s = *state;
	uint32_t id, slot;
	struct plan p;

	apply(s, two_services);
	id = backend_id(s, "web", "10.0.1.2");
	slot = service(s, "web")->val.table_slot;
	paths[1].mac[5] = 0xee;

	plan_of(&p, s, two_services);
	assert_int_equal(p.n_ops, 1);
	assert_int_equal(op_at_index(&p, maps.backends, OP_UPDATE, id), 0);
	assert_true(noted(&p, "10.0.1.2", "MAC"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(backend_id(s, "web", "10.0.1.2"), id);
	assert_int_equal(s->live.backends[id].gen, 1);
	assert_memory_equal(s->live.backends[id].mac, paths[1].mac, 6);
	assert_int_equal(service(s, "web")->val.table_slot, slot);
}

static void test_renamed_service_keeps_id_and_counters(void **state)
{
	struct sim *s = *state;
	uint32_t sid;
	struct plan p;

	apply(s, two_services);
	sid = service(s, "web")->val.id;
	s->service_stats[sid].packets = 5;

	plan_of(&p, s, "services:\n"
		"  - {name: www, vip: 192.0.2.10, port: 80, proto: tcp, table_size: 251,\n"
		"     backends: [" W1 ", " W2 ", " W3 "]}\n" DNS(D123));
	assert_int_equal(p.n_ops, 1);
	assert_int_equal(op_at_index(&p, maps.service_meta, OP_UPDATE, sid), 0);
	assert_true(noted(&p, "www", "renamed from web"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(service(s, "www")->val.id, sid);
	assert_int_equal(s->service_stats[sid].packets, 5);
}

static void test_service_removal(void **state)
{
	struct sim *s = *state;
	struct sluice_vip_key web_key;
	uint32_t sid, ids[3], dns_ids[3];
	long del;
	struct plan p;

	apply(s, two_services);
	sid = service(s, "web")->val.id;
	for (size_t i = 0; i < 3; i++) {
		ids[i] = backend_id(s, "web", web_addrs[i]);
		dns_ids[i] = backend_id(s, "dns", dns_addrs[i]);
	}

	/* dns changes too, so there are other writes to order against. */
	plan_of(&p, s, "services:\n"
		DNS("{addr: 10.0.2.1, weight: 50}, {addr: 10.0.2.2}, {addr: 10.0.2.3}"));
	assert_true(noted(&p, "web", "removed"));
	vip_key(&web_key, "192.0.2.10", 80, IPPROTO_TCP);
	del = op_at(&p, maps.services, OP_DELETE, &web_key, sizeof(web_key));
	assert_true(del >= 0);
	/* Everything dns needs is written before web goes away... */
	assert_true(op_at_index(&p, maps.backends, OP_UPDATE, dns_ids[0]) < del);
	assert_true(last_op_on(&p, maps.services) <= del);
	/* ...and web's tables and backends outlive the entry pointing at them. */
	assert_true(op_at_index(&p, maps.maglev_tables, OP_DELETE, sid * 2) > del);
	assert_true(op_at_index(&p, maps.maglev_tables, OP_DELETE, sid * 2 + 1) > del);
	for (size_t i = 0; i < 3; i++)
		assert_true(op_at_index(&p, maps.backends, OP_UPDATE, ids[i]) > del);
	run(s, &p);
	plan_free(&p);

	assert_int_equal(s->live.n_services, 1);
	assert_int_equal(s->service_meta[sid].in_use, 0);
	assert_null(s->tables[sid * 2]);
	assert_null(s->tables[sid * 2 + 1]);
	for (size_t i = 0; i < 3; i++) {
		assert_false(s->live.backends[ids[i]].flags & SLUICE_BACKEND_F_LIVE);
		assert_int_equal(backend_id(s, "dns", dns_addrs[i]), dns_ids[i]);
	}
}

#define ANY	"  - {name: any, vip: 192.0.2.20, proto: tcp, table_size: 251,\n"	\
		"     backends: [{addr: 10.0.3.1}]}\n"
#define ANY2	"  - {name: any2, vip: 192.0.2.21, proto: udp, table_size: 251,\n"	\
		"     backends: [{addr: 10.0.3.2}]}\n"

static void test_port0_lookup_on_before_and_off_after(void **state)
{
	struct sim *s = *state;
	struct sluice_vip_key any_key;
	struct plan p;
	long on, off;

	vip_key(&any_key, "192.0.2.20", 0, IPPROTO_TCP);
	plan_of(&p, s, "services:\n" WEB(W1) ANY);
	on = op_at_index(&p, maps.settings, OP_UPDATE, 0);
	assert_true(on >= 0);
	assert_int_equal(ops_on(&p, maps.settings), 1);
	assert_true(on < op_at(&p, maps.services, OP_UPDATE, &any_key, sizeof(any_key)));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(s->live.settings.have_any_port_vips, 1);

	/* A second port-0 service coming and going leaves the lookup alone. */
	plan_of(&p, s, "services:\n" WEB(W1) ANY ANY2);
	assert_int_equal(ops_on(&p, maps.settings), 0);
	run(s, &p);
	plan_free(&p);
	plan_of(&p, s, "services:\n" WEB(W1) ANY);
	assert_int_equal(ops_on(&p, maps.settings), 0);
	run(s, &p);
	plan_free(&p);

	/* The last one gone: the lookup goes off, but only once nothing needs it. */
	plan_of(&p, s, "services:\n" WEB(W1));
	off = op_at_index(&p, maps.settings, OP_UPDATE, 0);
	assert_true(off > op_at(&p, maps.services, OP_DELETE, &any_key, sizeof(any_key)));
	assert_int_equal(off, (long)p.n_ops - 1);
	assert_int_equal(ops_on(&p, maps.settings), 1);
	run(s, &p);
	plan_free(&p);
	assert_int_equal(s->live.settings.have_any_port_vips, 0);
}

/* ---- filter rules ---- */

/* Counter of the live rule with this name; its rule must sit where meta says. */
static uint32_t rule_counter(const struct sim *s, const char *name)
{
	for (uint32_t c = 0; c < SLUICE_RULE_COUNTERS; c++) {
		const struct sluice_rule_meta *m = &s->live.rule_meta[c];

		if (m->in_use && !strcmp(m->name, name)) {
			assert_in_range(m->position, 0, s->live.n_rules - 1);
			assert_int_equal(s->live.rules[m->position].counter, c);
			return c;
		}
	}
	fail_msg("no live rule named %s", name);
	return 0;
}

static void assert_matches_everything(const struct sluice_rule *r)
{
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->family, 0);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->sport_lo, 0);
	assert_int_equal(r->sport_hi, 65535);
	assert_int_equal(r->dport_lo, 0);
	assert_int_equal(r->dport_hi, 65535);
}

static void test_default_rule_closes_the_set(void **state)
{
	struct sim *s = *state;
	const struct sluice_rule *r;

	apply(s, "filter:\n  default: deny\n  rules:\n"
		 "    - {name: ssh, proto: tcp, dport: 22, action: allow}\n");
	assert_int_equal(s->live.n_rules, 2);
	r = &s->live.rules[0];
	assert_int_equal(r->counter, rule_counter(s, "ssh"));
	assert_int_equal(r->action, SLUICE_ACT_ALLOW);
	assert_int_equal(r->proto, IPPROTO_TCP);
	assert_int_equal(r->family, 0);
	assert_int_equal(r->dport_lo, 22);
	assert_int_equal(r->dport_hi, 22);
	assert_int_equal(r->sport_lo, 0);
	assert_int_equal(r->sport_hi, 65535);
	r = &s->live.rules[1];
	assert_int_equal(r->counter, SLUICE_DEFAULT_RULE_COUNTER);
	assert_int_equal(rule_counter(s, "default"), SLUICE_DEFAULT_RULE_COUNTER);
	assert_int_equal(r->action, SLUICE_ACT_DENY);
	assert_matches_everything(r);

	/* No filter section at all: only the default rule, allowing. */
	apply(s, "{}");
	assert_int_equal(s->live.n_rules, 1);
	assert_int_equal(s->live.rules[0].counter, SLUICE_DEFAULT_RULE_COUNTER);
	assert_int_equal(s->live.rules[0].action, SLUICE_ACT_ALLOW);
	assert_matches_everything(&s->live.rules[0]);
	assert_int_equal(s->live.rule_meta[SLUICE_DEFAULT_RULE_COUNTER].position, 0);
}

static void assert_bytes(const __be32 field[4], const uint8_t *want, size_t n_want)
{
	uint8_t full[16] = {0};

	memcpy(full, want, n_want);
	assert_memory_equal(field, full, sizeof(full));
}

static void test_rule_prefixes_are_kept(void **state)
{
	static const uint8_t net20[] = { 10, 1, 0x10, 0 };
	static const uint8_t host[] = { 192, 0, 2, 1 };
	static const uint8_t net56[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x01 };
	struct sim *s = *state;
	const struct sluice_rule *r = s->live.rules;

	apply(s, "filter:\n  rules:\n"
		 "    - {src: 10.1.16.0/20, dst: 192.0.2.1, proto: udp, action: deny}\n"
		 "    - {src: '2001:db8::/32', dst: '2001:db8:0:100::/56', action: deny}\n"
		 "    - {proto: icmpv6, action: allow}\n"
		 "    - {proto: icmp, action: allow}\n"
		 "    - {proto: tcp, action: deny}\n"
		 "    - {src: 0.0.0.0/0, proto: udp, action: deny}\n");
	assert_int_equal(s->live.n_rules, 7);
	assert_int_equal(r[0].family, SLUICE_AF_INET);
	assert_int_equal(r[0].flags, SLUICE_RULE_F_SRC | SLUICE_RULE_F_DST);
	assert_bytes(r[0].src, net20, sizeof(net20));
	assert_int_equal(r[0].src_len, 20);
	assert_bytes(r[0].dst, host, sizeof(host));
	assert_int_equal(r[0].dst_len, 32);
	assert_int_equal(r[1].family, SLUICE_AF_INET6);
	assert_int_equal(r[1].src_len, 32);
	assert_bytes(r[1].dst, net56, sizeof(net56));
	assert_int_equal(r[1].dst_len, 56);
	/* A /0 names only the family: it is not a prefix to look up. */
	assert_int_equal(r[5].family, SLUICE_AF_INET);
	assert_int_equal(r[5].flags, 0);
	/* ICMP kinds only exist in one family; a bare protocol matches both. */
	assert_int_equal(r[2].family, SLUICE_AF_INET6);
	assert_int_equal(r[2].proto, IPPROTO_ICMPV6);
	assert_int_equal(r[3].family, SLUICE_AF_INET);
	assert_int_equal(r[3].proto, IPPROTO_ICMP);
	assert_int_equal(r[4].family, 0);
	assert_int_equal(r[4].proto, IPPROTO_TCP);
}

#define RULE_A	"    - {name: a, proto: tcp, dport: 22, action: allow}\n"
#define RULE_B	"    - {name: b, proto: tcp, dport: 23, action: deny}\n"
#define RULE_C	"    - {name: c, proto: udp, dport: 53, action: allow}\n"
#define RULES(list)	"filter:\n  rules:\n" list

static void test_reordered_rules_keep_counters(void **state)
{
	struct sim *s = *state;
	uint32_t ca, cb, cc;
	struct plan p;

	apply(s, RULES(RULE_A RULE_B RULE_C));
	ca = rule_counter(s, "a");
	cb = rule_counter(s, "b");
	cc = rule_counter(s, "c");
	s->rule_stats[ca].packets = 11;
	s->rule_stats[cb].packets = 22;
	s->rule_stats[cc].packets = 33;

	plan_of(&p, s, RULES(RULE_C RULE_A RULE_B));
	assert_int_equal(ops_on(&p, maps.rule_stats), 0);
	assert_int_equal(ops_on(&p, maps.root), 1);
	run(s, &p);
	plan_free(&p);
	assert_int_equal(rule_counter(s, "a"), ca);
	assert_int_equal(rule_counter(s, "b"), cb);
	assert_int_equal(rule_counter(s, "c"), cc);
	assert_int_equal(s->live.rules[0].counter, cc);
	assert_int_equal(s->live.rules[0].dport_lo, 53);
	assert_int_equal(s->rule_stats[ca].packets, 11);
	assert_int_equal(s->rule_stats[cb].packets, 22);
	assert_int_equal(s->rule_stats[cc].packets, 33);
}

static void test_renamed_or_removed_rules(void **state)
{
	struct sim *s = *state;
	uint32_t ca, cb, cc, cb2;
	struct plan p;

	apply(s, RULES(RULE_A RULE_B RULE_C));
	ca = rule_counter(s, "a");
	cb = rule_counter(s, "b");
	cc = rule_counter(s, "c");
	s->rule_stats[cb].packets = 22;

	/* Same match, new name: a different rule to the operator, fresh counter. */
	plan_of(&p, s, RULES(RULE_A "    - {name: b2, proto: tcp, dport: 23, action: deny}\n"
			     RULE_C));
	assert_true(noted(&p, "b2", "added"));
	assert_true(noted(&p, "rule b", "removed"));
	run(s, &p);
	plan_free(&p);
	cb2 = rule_counter(s, "b2");
	assert_int_not_equal(cb2, cb);
	assert_int_equal(s->rule_stats[cb2].packets, 0);
	assert_int_equal(s->live.rule_meta[cb].in_use, 0);
	assert_int_equal(rule_counter(s, "a"), ca);
	assert_int_equal(rule_counter(s, "c"), cc);

	apply(s, RULES(RULE_A));
	assert_int_equal(s->live.n_rules, 2);
	assert_int_equal(rule_counter(s, "a"), ca);
	assert_int_equal(s->live.rule_meta[cb2].in_use, 0);
	assert_int_equal(s->live.rule_meta[cc].in_use, 0);
	assert_int_equal(s->live.rule_meta[SLUICE_DEFAULT_RULE_COUNTER].position, 1);
}

#define RULE_X	"    - {proto: tcp, dport: 80, action: deny}\n"
#define RULE_Y	"    - {proto: udp, dport: 53, action: deny}\n"

static void test_unnamed_rules_matched_by_content(void **state)
{
	struct sim *s = *state;
	uint32_t cx, cy;

	apply(s, RULES(RULE_X RULE_Y));
	cx = s->live.rules[0].counter;
	cy = s->live.rules[1].counter;
	assert_int_not_equal(cx, cy);
	s->rule_stats[cx].packets = 80;

	apply(s, RULES(RULE_Y RULE_X));
	assert_int_equal(s->live.rules[0].counter, cy);
	assert_int_equal(s->live.rules[1].counter, cx);
	assert_int_equal(s->rule_stats[cx].packets, 80);

	/* Changed content is a different unnamed rule. */
	apply(s, RULES(RULE_Y "    - {proto: tcp, dport: 81, action: deny}\n"));
	assert_int_equal(s->live.rules[0].counter, cy);
	assert_int_not_equal(s->live.rules[1].counter, cx);
	assert_int_equal(s->rule_stats[s->live.rules[1].counter].packets, 0);
	assert_int_equal(s->live.rule_meta[cx].in_use, 0);

	/* Twins are two rules: each keeps a counter of its own. */
	apply(s, RULES(RULE_Y RULE_Y));
	assert_int_equal(s->live.rules[0].counter, cy);
	assert_int_not_equal(s->live.rules[1].counter, cy);
	assert_int_equal(s->live.rule_meta[s->live.rules[1].counter].position, 1);
}

static void test_unchanged_rules_are_not_rewritten(void **state)
{
	struct sim *s = *state;
	struct plan p;

	apply(s, RULES(RULE_A RULE_X) "services:\n" WEB(W1 ", " W2));
	plan_of(&p, s, RULES(RULE_A RULE_X) "services:\n" WEB(W1 ", {addr: 10.0.1.2, weight: 7}"));
	assert_true(p.n_ops > 0);
	assert_int_equal(ops_on(&p, maps.root), 0);
	assert_int_equal(ops_on(&p, maps.rule_meta), 0);
	assert_int_equal(ops_on(&p, maps.rule_stats), 0);
	assert_false(noted(&p, "filter", NULL));
	plan_free(&p);
}

/* Thousands of rules make one note each way, not thousands of lines. */
static void test_many_rules_noted_as_a_count(void **state)
{
	struct sim *s = *state;
	char yaml[4096] = "filter:\n  rules:\n";
	struct plan p;

	for (int i = 0; i < 20; i++)
		snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml),
			 "    - {proto: tcp, dport: %d, action: deny}\n", 1000 + i);
	plan_of(&p, s, yaml);
	assert_true(noted(&p, "filter: 20 rules added", NULL));
	assert_false(noted(&p, "filter: rule 1", NULL));
	run(s, &p);
	plan_free(&p);
	plan_of(&p, s, "{}");
	assert_true(noted(&p, "filter: 20 rules removed", NULL));
	assert_false(noted(&p, "removed", "(unnamed)"));
	plan_free(&p);
}

/* ---- several services, several nodes ---- */

static void test_shared_backend_address_gets_one_id_per_service(void **state)
{
	struct sim *s = *state;
	uint32_t web[3], dns[3], web_sid, dns_sid;

	apply(s, "services:\n" WEB(W1 ", " W2 ", " W3) DNS(W1 ", " W2 ", " W3));
	web_sid = service(s, "web")->val.id;
	dns_sid = service(s, "dns")->val.id;
	for (size_t i = 0; i < 3; i++) {
		web[i] = backend_id(s, "web", web_addrs[i]);
		dns[i] = backend_id(s, "dns", web_addrs[i]);
		assert_int_not_equal(web[i], 0);
		assert_int_not_equal(dns[i], 0);
		assert_int_not_equal(web[i], dns[i]);
		assert_int_equal(s->live.backends[web[i]].service_id, web_sid);
		assert_int_equal(s->live.backends[dns[i]].service_id, dns_sid);
		assert_int_equal(slots_held(s, "dns", web[i]), 0);
		assert_int_equal(slots_held(s, "web", dns[i]), 0);
	}

	/* Dropping the address from one service leaves the other's backend alone. */
	apply(s, "services:\n" WEB(W1 ", " W2 ", " W3) DNS(W1 ", " W2));
	assert_int_equal(backend_id(s, "web", "10.0.1.3"), web[2]);
	assert_true(slots_held(s, "web", web[2]) > 0);
	assert_false(s->live.backends[dns[2]].flags & SLUICE_BACKEND_F_LIVE);
}

/* Slot j of both nodes' tables of `name` sends new flows to the same address. */
static void assert_same_table_by_address(struct sim *a, struct sim *b, const char *name)
{
	const uint32_t *ta = active_table(a, name), *tb = active_table(b, name);
	uint32_t m = service(a, name)->val.table_size;

	assert_int_equal(service(b, name)->val.table_size, m);
	for (uint32_t j = 0; j < m; j++) {
		const struct sluice_backend *ba = &a->live.backends[ta[j]];
		const struct sluice_backend *bb = &b->live.backends[tb[j]];

		if (ba->family != bb->family || memcmp(ba->addr, bb->addr, sizeof(ba->addr)))
			fail_msg("service %s slot %u differs between the nodes", name, j);
	}
}

static void test_nodes_with_same_config_build_same_tables(void **state)
{
	static const char fleet[] =
		"services:\n"
		"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp,\n"
		"     backends: [{addr: 10.0.1.1}, {addr: 10.0.1.2, weight: 250},\n"
		"                {addr: 10.0.1.3}, {addr: 10.0.1.4, weight: 30}]}\n"
		DNS(D123);
	struct sim *a = *state, *b = sim_new(), *c = sim_new();

	apply(a, fleet);
	apply(b, fleet);
	assert_memory_equal(a->live.backends, b->live.backends, sizeof(a->live.backends));
	for (size_t i = 0; i < 2; i++) {
		const char *name = i ? "dns" : "web";
		const struct sluice_service *va = &service(a, name)->val;

		assert_memory_equal(va, &service(b, name)->val, sizeof(*va));
		assert_memory_equal(a->tables[va->table_slot], b->tables[va->table_slot],
				    va->table_size * sizeof(uint32_t));
	}

	/* A node with another history (ids handed out differently) agrees by address. */
	apply(c, "services:\n" DNS("{addr: 10.0.2.9}") WEB(W4 ", " W3));
	apply(c, fleet);
	assert_int_not_equal(backend_id(a, "web", "10.0.1.1"), backend_id(c, "web", "10.0.1.1"));
	assert_same_table_by_address(a, c, "web");
	assert_same_table_by_address(a, c, "dns");
	sim_free(b);
	sim_free(c);
}

/* ---- a full data plane ---- */

/* plan_build with these paths must fail with `err` and print `message`. */
static void assert_cfg_refused(const struct sim *s, const struct conf *cfg,
			       const struct backend_path *with, int err, const char *message)
{
	char printed[1024];
	struct plan p = {0};
	FILE *out = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	assert_non_null(out);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(out), STDERR_FILENO) >= 0);
	ret = plan_build(&p, &maps, &s->live, cfg, with, NULL, if_mac, now_ns);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(out);
	n = fread(printed, 1, sizeof(printed) - 1, out);
	printed[n] = '\0';
	fclose(out);
	plan_free(&p);
	assert_int_equal(ret, err);
	if (!strstr(printed, message))
		fail_msg("expected \"%s\" in \"%s\"", message, printed);
}

/* plan_build must fail with `err` and print `message`. */
static void assert_plan_refused(const struct sim *s, const char *yaml, int err,
				const char *message)
{
	struct conf cfg;

	load(yaml, &cfg);
	assert_cfg_refused(s, &cfg, paths, err, message);
	conf_free(&cfg);
}

/* Service `id` on 192.0.2.10:port/tcp, as an earlier apply would have left it. */
static struct live_service *put_service(struct sim *s, uint32_t id, uint16_t port,
					const char *name)
{
	struct live_service *svc = &s->live.services[s->live.n_services++];

	vip_key(&svc->key, "192.0.2.10", port, IPPROTO_TCP);
	svc->val.id = id;
	svc->val.table_slot = id * 2;
	svc->val.table_size = 251;
	svc->val.forward = SLUICE_FWD_L2DSR;
	snprintf(svc->meta.name, sizeof(svc->meta.name), "%s", name);
	svc->meta.vip = svc->key;
	svc->meta.in_use = 1;
	s->service_meta[id] = svc->meta;
	return svc;
}

static void test_full_backend_ids_refused_until_removals_applied(void **state)
{
	static const char replace_all[] =
		"services:\n"
		"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp, table_size: 251,\n"
		"     backends: [{addr: 10.9.9.9}]}\n";
	struct sim *s = *state;

	put_service(s, 0, 80, "web");
	s->tables[0] = calloc(251, sizeof(uint32_t));
	assert_non_null(s->tables[0]);
	s->table_len[0] = 251;
	for (uint32_t id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		struct sluice_backend *be = &s->live.backends[id];

		be->addr[0] = htonl(0x0a010000 | id);
		be->family = SLUICE_AF_INET;
		be->flags = SLUICE_BACKEND_F_LIVE;
		be->gen = 1;
		be->weight = 100;
		if (id <= 251)
			s->tables[0][id - 1] = id;
	}
	assert_plan_refused(s, replace_all, -ENOSPC, "no free backend slot for web; "
			    "apply the removals first");

	/* Doing what the message says works. */
	apply(s, "services:\n"
		 "  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp, table_size: 251,\n"
		 "     backends: [{addr: 10.1.0.1}]}\n");
	apply(s, replace_all);
	assert_int_not_equal(backend_id(s, "web", "10.9.9.9"), 0);
	assert_int_equal(backend_id(s, "web", "10.1.0.1"), 0);
}

static void test_full_service_ids_refused(void **state)
{
	struct sim *s = *state;

	for (uint32_t id = 0; id < SLUICE_MAX_SERVICES; id++)
		put_service(s, id, (uint16_t)(1000 + id), "old");
	assert_plan_refused(s, "services:\n"
			    "  - {name: new, vip: 192.0.2.10, port: 80, proto: tcp,\n"
			    "     backends: [{addr: 10.9.9.9}]}\n",
			    -ENOSPC, "no free service slot for new");
}

static void test_full_rule_counters_refused(void **state)
{
	struct sim *s = *state;

	for (uint32_t c = 0; c < SLUICE_RULE_IDS; c++) {
		snprintf(s->live.rule_meta[c].name, SLUICE_NAME_LEN, "old-%u", c);
		s->live.rule_meta[c].in_use = 1;
		s->live.rule_meta[c].position = c;
		s->live.rules[c].counter = c;
		s->live.rules[c].action = SLUICE_ACT_DENY;
	}
	s->live.n_rules = SLUICE_RULE_IDS;
	assert_plan_refused(s, RULES("    - {name: new, proto: tcp, action: deny}\n"),
			    -ENOSPC, "no free rule counter; apply the removals first");
}

/*
 * A config that replaces everything the running one holds fits: what it adds gets
 * ids of its own while the running config keeps its ids until the flip.
 */
static char *yaml_grow(char *yaml, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(yaml + *len, *cap - *len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if ((size_t)n < *cap - *len)
			break;
		*cap *= 2;
		yaml = realloc(yaml, *cap);
		assert_non_null(yaml);
	}
	*len += (size_t)n;
	return yaml;
}

/* SLUICE_MAX_RULES rules named PREFIX-i, each on its own port. */
static char *every_rule_named(const char *prefix)
{
	size_t len = 0, cap = 1 << 20;
	char *yaml = malloc(cap);

	assert_non_null(yaml);
	yaml = yaml_grow(yaml, &len, &cap, "filter:\n  rules:\n");
	for (int i = 0; i < SLUICE_MAX_RULES; i++)
		yaml = yaml_grow(yaml, &len, &cap,
				 "    - {name: %s-%d, proto: tcp, dport: %d, action: deny}\n",
				 prefix, i, 1 + i);
	return yaml;
}

static void test_every_rule_renamed_at_once(void **state)
{
	char *before = every_rule_named("old"), *after = every_rule_named("new");
	struct sim *s = *state;
	struct plan p;
	s->check_at_end = true;

	apply(s, before);
	assert_int_equal(s->live.n_rules, SLUICE_MAX_RULES + 1);
	plan_of(&p, s, after);
	run(s, &p);
	/* The renamed rules count from zero; what the old ones counted is gone. */
	for (size_t i = 0; i + 1 < s->live.n_rules; i++) {
		__u32 c = s->live.rules[i].counter;

		assert_int_equal(strncmp(s->live.rule_meta[c].name, "new-", 4), 0);
		assert_int_equal(s->rule_stats[c].packets, 0);
	}
	plan_free(&p);
	/* And back again, onto the ids the first set left. */
	apply(s, before);
	assert_int_equal(s->live.n_rules, SLUICE_MAX_RULES + 1);
	free(before);
	free(after);
}

/* SLUICE_CONF_SERVICES services on VIPs 192.0.A.B, one backend each. */
static char *every_service_on(unsigned int a)
{
	size_t len = 0, cap = 1 << 18;
	char *yaml = malloc(cap);

	assert_non_null(yaml);
	yaml = yaml_grow(yaml, &len, &cap, "services:\n");
	for (int i = 0; i < SLUICE_CONF_SERVICES; i++)
		yaml = yaml_grow(yaml, &len, &cap,
				 "  - {name: s%d, vip: 10.%u.%d.%d, port: 80, proto: tcp, "
				 "table_size: 251, backends: [{addr: 10.200.0.1}]}\n",
				 i, a, i / 256, i % 256);
	return yaml;
}

static void test_every_service_moved_at_once(void **state)
{
	char *before = every_service_on(1), *after = every_service_on(2);
	struct sim *s = *state;

	s->check_at_end = true;

	apply(s, before);
	assert_int_equal(s->live.n_services, SLUICE_CONF_SERVICES);
	apply(s, after);
	assert_int_equal(s->live.n_services, SLUICE_CONF_SERVICES);
	assert_int_equal(ntohl(service(s, "s0")->key.addr[0]), 0x0a020000);
	free(before);
	free(after);
}

/* SLUICE_CONF_BACKENDS backends on 10.A.x.y over eight services. */
static char *every_backend_on(unsigned int a)
{
	size_t len = 0, cap = 1 << 20;
	char *yaml = malloc(cap);
	int i;

	assert_non_null(yaml);
	yaml = yaml_grow(yaml, &len, &cap, "services:\n");
	for (i = 0; i < SLUICE_CONF_BACKENDS; i++) {
		if (i % 1024 == 0)
			yaml = yaml_grow(yaml, &len, &cap,
					 "  - {name: s%d, vip: 192.0.2.%d, port: 80, proto: tcp,\n"
					 "     backends: [\n", i / 1024, 1 + i / 1024);
		yaml = yaml_grow(yaml, &len, &cap, "       {addr: 10.%u.%d.%d}%s\n", a,
				 i / 256, i % 256,
				 i % 1024 == 1023 || i + 1 == SLUICE_CONF_BACKENDS ? "]}" : ",");
	}
	return yaml;
}

static void test_every_backend_moved_at_once(void **state)
{
	char *before = every_backend_on(1), *after = every_backend_on(2);
	struct sim *s = *state;

	s->check_at_end = true;

	apply(s, before);
	assert_int_not_equal(backend_id(s, "s7", "10.1.31.254"), 0);
	apply(s, after);
	assert_int_not_equal(backend_id(s, "s7", "10.2.31.254"), 0);
	assert_int_equal(backend_id(s, "s7", "10.1.31.254"), 0);
	free(before);
	free(after);
}

/* ---- ipip, drains, the flow table ---- */

#define SEC	1000000000ULL

static void cidr(struct conf_cidr *c, const char *text, uint8_t len)
{
	bool v6 = strchr(text, ':');

	memset(c, 0, sizeof(*c));
	c->addr.family = v6 ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(c->addr.family, text, c->addr.bytes), 1);
	c->prefix_len = len;
}

/* Service i of cfg forwards by ipip from these outer source prefixes (NULL: none). */
static void make_ipip(struct conf *cfg, size_t i, const char *src4, uint8_t len4,
		      const char *src6, uint8_t len6)
{
	struct conf_service *svc = &cfg->services[i];

	svc->forward = CONF_FORWARD_IPIP;
	svc->has_encap_src4 = src4;
	svc->has_encap_src6 = src6;
	if (src4)
		cidr(&svc->encap_src4, src4, len4);
	if (src6)
		cidr(&svc->encap_src6, src6, len6);
}

static void assert_be32(__be32 field, uint32_t host_order)
{
	assert_int_equal(ntohl(field), host_order);
}

static void test_ipip_service_value(void **state)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99 };
	struct sim *s = *state;
	const struct sluice_service *v;
	struct conf cfg;
	struct plan p;

	load("services:\n" WEB(W1 ", " W2) DNS(D123), &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, "2001:db8:99::", 120);
	cfg.services[0].drain_timeout_s = 300;
	/* Edge lengths: a single outer address, and a prefix wider than 32 host bits. */
	make_ipip(&cfg, 1, "10.98.0.7", 32, "2001:db8:98::", 64);
	plan_cfg(&p, s, &cfg);
	assert_true(noted(&p, "web", "forward ipip"));
	run(s, &p);
	plan_free(&p);

	v = &service(s, "web")->val;
	assert_int_equal(v->forward, SLUICE_FWD_IPIP);
	assert_int_equal(v->flags, SLUICE_SERVICE_F_ENCAP4 | SLUICE_SERVICE_F_ENCAP6);
	assert_be32(v->encap_src4, 0x0a630000);
	assert_be32(v->encap_host4, 0x000000ff);
	assert_int_equal(v->encap_len4, 24);
	assert_memory_equal(v->encap_src6, src6, sizeof(src6));
	assert_be32(v->encap_host6, 0x000000ff);
	assert_int_equal(v->encap_len6, 120);
	assert_int_equal(v->drain_timeout_s, 300);

	v = &service(s, "dns")->val;
	assert_be32(v->encap_src4, 0x0a620007);
	assert_be32(v->encap_host4, 0);
	assert_int_equal(v->encap_len4, 32);
	assert_be32(v->encap_host6, 0xffffffff);
	assert_int_equal(v->encap_len6, 64);
	assert_int_equal(v->drain_timeout_s, 0);

	/* ipip reads no MAC: backends of a fresh ipip service carry none. */
	for (size_t i = 0; i < 2; i++) {
		static const uint8_t blank[6];

		assert_memory_equal(s->live.backends[backend_id(s, "web", web_addrs[i])].mac,
				    blank, sizeof(blank));
	}
	conf_free(&cfg);
}

/* A forwarding change is one write of the service's value: no table, no backend. */
static void assert_one_service_write(const struct plan *p)
{
	assert_int_equal(ops_on(p, maps.services), 1);
	assert_int_equal(ops_on(p, maps.maglev_tables), 0);
	assert_int_equal(ops_on(p, maps.backends), 0);
}

static void test_forward_changes_update_the_service_only(void **state)
{
	struct sim *s = *state;
	uint32_t slot, id;
	struct conf cfg;
	struct plan p;

	apply(s, "services:\n" WEB(W1 ", " W2));
	slot = service(s, "web")->val.table_slot;
	id = backend_id(s, "web", "10.0.1.1");
	load("services:\n" WEB(W1 ", " W2), &cfg);

	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	plan_cfg(&p, s, &cfg);
	assert_one_service_write(&p);
	assert_true(noted(&p, "service web", "forward l2dsr -> ipip"));
	assert_true(noted(&p, "IPv4 encap source none -> 10.99.0.0/24", NULL));
	assert_false(noted(&p, "IPv6 encap source", NULL));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(service(s, "web")->val.forward, SLUICE_FWD_IPIP);
	/* l2dsr packets still in flight before the flip kept their backend's MAC. */
	assert_memory_equal(s->live.backends[id].mac, paths[0].mac, 6);

	make_ipip(&cfg, 0, "10.99.1.0", 24, "2001:db8:99::", 112);
	plan_cfg(&p, s, &cfg);
	assert_one_service_write(&p);
	assert_true(noted(&p, "IPv4 encap source 10.99.0.0/24 -> 10.99.1.0/24", NULL));
	assert_true(noted(&p, "IPv6 encap source none -> 2001:db8:99::/112", NULL));
	run(s, &p);
	plan_free(&p);

	cfg.services[0].drain_timeout_s = 120;
	plan_cfg(&p, s, &cfg);
	assert_one_service_write(&p);
	assert_true(noted(&p, "service web", "drain timeout none -> 120 s"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(service(s, "web")->val.drain_timeout_s, 120);

	/* Back to l2dsr, with a new MAC: the MAC is in place before the service flips. */
	paths[0].mac[5] = 0xee;
	cfg.services[0].forward = CONF_FORWARD_L2DSR;
	cfg.services[0].has_encap_src4 = cfg.services[0].has_encap_src6 = false;
	plan_cfg(&p, s, &cfg);
	assert_true(noted(&p, "service web", "forward ipip -> l2dsr"));
	assert_true(noted(&p, "IPv6 encap source 2001:db8:99::/112 -> none", NULL));
	assert_true(op_at_index(&p, maps.backends, OP_UPDATE, id) >= 0);
	assert_true(op_at_index(&p, maps.backends, OP_UPDATE, id) < last_op_on(&p, maps.services));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(service(s, "web")->val.forward, SLUICE_FWD_L2DSR);
	assert_int_equal(service(s, "web")->val.flags, 0);
	assert_int_equal(service(s, "web")->val.table_slot, slot);
	assert_memory_equal(s->live.backends[id].mac, paths[0].mac, 6);
	conf_free(&cfg);
}

/* web with W1, W2 and W3, the second one draining when `draining`. */
static void load_drain(struct conf *cfg, bool draining, uint32_t timeout_s)
{
	load("services:\n" WEB(W1 ", " W2 ", " W3), cfg);
	cfg->services[0].drain_timeout_s = timeout_s;
	cfg->services[0].backends[1].state = draining ? CONF_BACKEND_DRAINING :
							CONF_BACKEND_ACTIVE;
}

static void test_drain_deadline_set_kept_and_cleared(void **state)
{
	struct sim *s = *state;
	const struct sluice_backend *be;
	struct conf cfg;
	struct plan p;
	uint32_t id;

	load_drain(&cfg, false, 300);
	now_ns = 1000 * SEC;
	apply_cfg(s, &cfg);
	id = backend_id(s, "web", "10.0.1.2");
	be = &s->live.backends[id];
	assert_int_equal(be->flags, SLUICE_BACKEND_F_LIVE);
	assert_int_equal(be->drain_deadline_ns, 0);
	conf_free(&cfg);

	/* The drain starts: its flows may stay 300 s from now. */
	load_drain(&cfg, true, 300);
	now_ns = 2000 * SEC;
	plan_cfg(&p, s, &cfg);
	assert_true(noted(&p, "backend 10.0.1.2", "active -> draining (flows move after 300 s)"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(be->flags, SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING);
	assert_int_equal(be->state, SLUICE_BACKEND_DRAINING);
	assert_true(be->drain_deadline_ns == 2300 * SEC);
	assert_int_equal(slots_held(s, "web", id), 0);

	/* Applying the same file later changes nothing: the deadline is not pushed back. */
	now_ns = 2100 * SEC;
	plan_cfg(&p, s, &cfg);
	assert_int_equal(p.n_ops, 0);
	assert_int_equal(p.n_notes, 0);
	plan_free(&p);

	/* Nor by a new timeout: it applies to drains that start from now on. */
	cfg.services[0].drain_timeout_s = 30;
	plan_cfg(&p, s, &cfg);
	assert_one_service_write(&p);
	assert_true(noted(&p, "drain timeout 300 s -> 30 s (drains already running keep "
			  "their deadline)", NULL));
	run(s, &p);
	plan_free(&p);
	assert_true(be->drain_deadline_ns == 2300 * SEC);
	conf_free(&cfg);

	/* Back to active: no flag, no deadline, back in the table. */
	load_drain(&cfg, false, 30);
	plan_cfg(&p, s, &cfg);
	assert_true(noted(&p, "backend 10.0.1.2", "draining -> active"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(be->flags, SLUICE_BACKEND_F_LIVE);
	assert_int_equal(be->state, SLUICE_BACKEND_ACTIVE);
	assert_int_equal(be->drain_deadline_ns, 0);
	assert_true(slots_held(s, "web", id) > 0);
	conf_free(&cfg);

	/* Without a timeout a drain never ends by itself. */
	load_drain(&cfg, true, 0);
	now_ns = 3000 * SEC;
	plan_cfg(&p, s, &cfg);
	assert_true(noted(&p, "backend 10.0.1.2",
			  "active -> draining (flows stay until they end)"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(be->flags, SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING);
	assert_int_equal(be->drain_deadline_ns, 0);
	conf_free(&cfg);
}

static void test_backend_added_draining_gets_a_deadline(void **state)
{
	struct sim *s = *state;
	const struct sluice_backend *be;
	struct conf cfg;

	apply(s, "services:\n" WEB(W1));
	load_drain(&cfg, true, 60);
	now_ns = 500 * SEC;
	apply_cfg(s, &cfg);
	be = &s->live.backends[backend_id(s, "web", "10.0.1.2")];
	assert_int_equal(be->flags, SLUICE_BACKEND_F_LIVE | SLUICE_BACKEND_F_DRAINING);
	assert_true(be->drain_deadline_ns == 560 * SEC);
	conf_free(&cfg);
}

static void test_flow_settings(void **state)
{
	uint32_t ncpus = (uint32_t)maps_ncpus();
	struct sim *s = *state;
	struct conf cfg;
	struct plan p;

	load("services:\n" WEB(W1), &cfg);
	cfg.flows.udp_idle_timeout_s = 30;
	/* Not a multiple of the CPU count: each CPU gets the rounded-up share. */
	cfg.flows.new_flow_guard = 10 * ncpus + 1;
	plan_cfg(&p, s, &cfg);
	assert_true(noted(&p, "flows: idle UDP flows move after 30 s", NULL));
	assert_true(noted(&p, "flows: new-flow guard", "(11 per CPU)"));
	run(s, &p);
	plan_free(&p);
	assert_true(s->live.settings.udp_idle_ns == 30 * SEC);
	assert_int_equal(s->live.settings.new_flows_per_cpu, 11);

	plan_cfg(&p, s, &cfg);
	assert_int_equal(p.n_ops, 0);
	plan_free(&p);

	cfg.flows.udp_idle_timeout_s = 0;
	cfg.flows.new_flow_guard = 0;
	plan_cfg(&p, s, &cfg);
	assert_int_equal(ops_on(&p, maps.settings), 1);
	assert_int_equal(p.n_ops, 1);
	assert_true(noted(&p, "flows: idle UDP flows never move", NULL));
	assert_true(noted(&p, "flows: new-flow guard off", NULL));
	run(s, &p);
	plan_free(&p);
	assert_true(s->live.settings.udp_idle_ns == 0);
	assert_int_equal(s->live.settings.new_flows_per_cpu, 0);
	conf_free(&cfg);
}

static void assert_tx_ports(const struct sim *s, size_t n, const uint32_t *want)
{
	assert_int_equal(s->live.n_tx_ports, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->live.tx_ports[i], want[i]);
}

static void test_tx_ports_follow_ipip_backends(void **state)
{
	static const uint32_t both[] = { 3, 5 }, only5[] = { 5 };
	struct sim *s = *state;
	struct sluice_vip_key web_key;
	uint32_t gone;
	struct conf cfg;
	struct plan p;
	long add;

	/* l2dsr backends leave by the attached interface: no redirect needed. */
	apply(s, two_services);
	assert_int_equal(s->live.n_tx_ports, 0);

	vip_key(&web_key, "192.0.2.10", 80, IPPROTO_TCP);
	load("services:\n" WEB(W1 ", " W2 ", " W3) DNS(D123), &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	paths[0].ifindex = 5;
	paths[1].ifindex = 3;
	paths[2].ifindex = 5;
	plan_cfg(&p, s, &cfg);
	assert_int_equal(ops_on(&p, maps.tx_ports), 2);
	add = op_at_index(&p, maps.tx_ports, OP_UPDATE, 3);
	assert_true(add >= 0);
	assert_true(add < op_at(&p, maps.services, OP_UPDATE, &web_key, sizeof(web_key)));
	assert_true(op_at_index(&p, maps.tx_ports, OP_UPDATE, 5) < add);
	assert_true(noted(&p, "tx_ports", "added"));
	run(s, &p);
	plan_free(&p);
	assert_tx_ports(s, 2, both);

	/* The only backend leaving by 3 goes: 3 leaves tx_ports once it is out. */
	gone = backend_id(s, "web", "10.0.1.2");
	conf_free(&cfg);
	load("services:\n" WEB(W1 ", " W3) DNS(D123), &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	paths[1].ifindex = 5;
	plan_cfg(&p, s, &cfg);
	assert_int_equal(ops_on(&p, maps.tx_ports), 1);
	assert_true(op_at_index(&p, maps.tx_ports, OP_DELETE, 3) >
		    last_op_on(&p, maps.services));
	assert_true(op_at_index(&p, maps.tx_ports, OP_DELETE, 3) >
		    op_at_index(&p, maps.backends, OP_UPDATE, gone));
	assert_true(noted(&p, "tx_ports", "removed"));
	run(s, &p);
	plan_free(&p);
	assert_tx_ports(s, 1, only5);

	/* Same file again: nothing. */
	plan_cfg(&p, s, &cfg);
	assert_int_equal(p.n_ops, 0);
	plan_free(&p);

	/* Back to l2dsr: the port stays until the service has flipped. */
	cfg.services[0].forward = CONF_FORWARD_L2DSR;
	cfg.services[0].has_encap_src4 = false;
	plan_cfg(&p, s, &cfg);
	assert_true(op_at_index(&p, maps.tx_ports, OP_DELETE, 5) >
		    op_at(&p, maps.services, OP_UPDATE, &web_key, sizeof(web_key)));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(s->live.n_tx_ports, 0);
	conf_free(&cfg);
}

static void test_too_many_tx_ports_refused(void **state)
{
	char yaml[8192] = "services:\n  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp,\n"
			  "     backends: [";
	struct backend_path many[SLUICE_TX_PORTS + 1];
	struct sim *s = *state;
	struct conf cfg;

	for (int i = 0; i <= SLUICE_TX_PORTS; i++) {
		snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml), "%s{addr: 10.0.4.%d}",
			 i ? ", " : "", i + 1);
		many[i].ifindex = 100 + i;
	}
	strcat(yaml, "]}\n");
	load(yaml, &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	assert_cfg_refused(s, &cfg, many, -ENOSPC, "ipip backends leave by more than 64 "
			   "interfaces (the size of tx_ports)");
	conf_free(&cfg);
}

/* Every new field at once: the second apply of the same config writes nothing. */
static void test_ipip_config_twice_writes_nothing(void **state)
{
	struct sim *s = *state;
	struct conf cfg;
	struct plan p;

	load("services:\n" WEB(W1 ", " W2 ", " W3) DNS(D123)
	     "  - {name: web6, vip: '2001:db8::10', port: 80, proto: tcp, table_size: 257,\n"
	     "     backends: [{addr: '2001:db8::1:1'}, {addr: '2001:db8::1:2'}]}\n", &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	make_ipip(&cfg, 2, NULL, 0, "2001:db8:99::", 120);
	cfg.services[0].drain_timeout_s = 300;
	cfg.services[0].backends[2].state = CONF_BACKEND_DRAINING;
	cfg.flows.udp_idle_timeout_s = 60;
	cfg.flows.new_flow_guard = 100000;
	for (size_t i = 0; i < 8; i++)
		paths[i].ifindex = 2 + (int)(i % 3);
	now_ns = 7 * SEC;
	apply_cfg(s, &cfg);
	assert_int_equal(s->live.n_tx_ports, 3);

	now_ns = 9 * SEC;
	plan_cfg(&p, s, &cfg);
	assert_int_equal(p.n_ops, 0);
	assert_int_equal(p.n_notes, 0);
	plan_free(&p);
	conf_free(&cfg);
}

/*
 * p's only settings write is its last op and bumps the next-hop generation once;
 * runs p. Every other setting stays as it was.
 */
static void assert_nexthops_bumped(struct sim *s, struct plan *p)
{
	struct sluice_settings want = s->live.settings;

	want.nexthop_gen++;
	assert_int_equal(ops_on(p, maps.settings), 1);
	assert_int_equal(last_op_on(p, maps.settings), (long)p->n_ops - 1);
	assert_memory_equal(p->ops[p->n_ops - 1].value, &want, sizeof(want));
	run(s, p);
	plan_free(p);
}

static void assert_nexthops_kept(struct sim *s, struct plan *p)
{
	assert_true(p->n_ops > 0);
	assert_int_equal(ops_on(p, maps.settings), 0);
	run(s, p);
	plan_free(p);
}

/*
 * ipip's cached next hops are invalidated (nexthop_gen + 1, last) by the applies
 * that change what they were looked up for: ipip backends added or removed (an id
 * may name another address later), a forwarding mode to or from ipip, the outer
 * sources. Nothing else bumps it, so the same file twice still changes nothing.
 */
static void test_nexthop_gen_follows_ipip_changes(void **state)
{
	struct sim *s = *state;
	struct conf cfg;
	struct plan p;
	__u32 gone;

	apply(s, "services:\n" WEB(W1 ", " W2) DNS(D123));
	assert_int_equal(s->live.settings.nexthop_gen, 0);
	plan_of(&p, s, "services:\n" WEB(W1 ", " W2) DNS(D123 ", {addr: 10.0.2.4}"));
	assert_nexthops_kept(s, &p);

	load("services:\n" WEB(W1 ", " W2) DNS(D123 ", {addr: 10.0.2.4}"), &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	plan_cfg(&p, s, &cfg);
	assert_nexthops_bumped(s, &p);
	assert_int_equal(s->live.settings.nexthop_gen, 1);
	plan_cfg(&p, s, &cfg);
	assert_int_equal(p.n_ops, 0);
	plan_free(&p);

	cfg.services[0].backends[0].weight = 7;
	cfg.services[0].drain_timeout_s = 30;
	plan_cfg(&p, s, &cfg);
	assert_nexthops_kept(s, &p);
	conf_free(&cfg);

	load("services:\n" WEB(W1 ", " W2 ", " W3) DNS(D123 ", {addr: 10.0.2.4}"), &cfg);
	make_ipip(&cfg, 0, "10.99.0.0", 24, NULL, 0);
	cfg.services[0].backends[0].weight = 7;
	cfg.services[0].drain_timeout_s = 30;
	plan_cfg(&p, s, &cfg);
	assert_nexthops_bumped(s, &p);
	make_ipip(&cfg, 0, "10.99.1.0", 24, NULL, 0);
	plan_cfg(&p, s, &cfg);
	assert_nexthops_bumped(s, &p);
	conf_free(&cfg);

	/* The removed backend's entries stale only once it takes no packets. */
	gone = backend_id(s, "web", "10.0.1.2");
	load("services:\n" WEB(W1 ", " W3) DNS(D123 ", {addr: 10.0.2.4}"), &cfg);
	make_ipip(&cfg, 0, "10.99.1.0", 24, NULL, 0);
	cfg.services[0].backends[0].weight = 7;
	cfg.services[0].drain_timeout_s = 30;
	plan_cfg(&p, s, &cfg);
	assert_true(op_at_index(&p, maps.backends, OP_UPDATE, gone) >= 0);
	assert_nexthops_bumped(s, &p);

	cfg.services[0].forward = CONF_FORWARD_L2DSR;
	cfg.services[0].has_encap_src4 = false;
	plan_cfg(&p, s, &cfg);
	assert_nexthops_bumped(s, &p);
	assert_int_equal(s->live.settings.nexthop_gen, 5);
	conf_free(&cfg);
}

/*
 * settings.macs: the interface's MAC as the kernel has it now, then the config's
 * (less a repeat of the interface's). Written once when they change, with the rest
 * of the settings; the same file on the same interface writes nothing.
 */
static void test_macs_follow_interface_and_config(void **state)
{
	struct sim *s = *state;
	const __u8 first[6] = IF_MAC, moved[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
	const __u8 vrrp[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 };
	struct sluice_settings before;
	struct plan p;

	apply(s, "services:\n" WEB(W1));
	assert_int_equal(s->live.settings.n_macs, 1);
	assert_memory_equal(s->live.settings.macs[0].addr, first, 6);
	plan_of(&p, s, "services:\n" WEB(W1));
	assert_int_equal(p.n_ops, 0);
	plan_free(&p);

	/* `ip link set dev X address`: the next apply of the same file follows it. */
	memcpy(if_mac, moved, 6);
	before = s->live.settings;
	plan_of(&p, s, "services:\n" WEB(W1));
	assert_int_equal(p.n_ops, 1);
	assert_int_equal(ops_on(&p, maps.settings), 1);
	assert_true(noted(&p, "02:00:00:00:00:99", "the interface's"));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(s->live.settings.n_macs, 1);
	assert_memory_equal(s->live.settings.macs[0].addr, moved, 6);
	before.macs[0] = s->live.settings.macs[0];
	assert_memory_equal(&before, &s->live.settings, sizeof(before));

	plan_of(&p, s, "settings: {macs: [00:00:5e:00:01:01, 02:00:00:00:00:99]}\n"
		"services:\n" WEB(W1));
	assert_int_equal(ops_on(&p, maps.settings), 1);
	assert_true(noted(&p, "00:00:5e:00:01:01", NULL));
	run(s, &p);
	plan_free(&p);
	assert_int_equal(s->live.settings.n_macs, 2);
	assert_memory_equal(s->live.settings.macs[0].addr, moved, 6);
	assert_memory_equal(s->live.settings.macs[1].addr, vrrp, 6);

	plan_of(&p, s, "services:\n" WEB(W1));
	assert_int_equal(ops_on(&p, maps.settings), 1);
	run(s, &p);
	plan_free(&p);
	assert_int_equal(s->live.settings.n_macs, 1);
}

/* plan_check_flows must say `message` on stderr and return `err`. */
static void assert_flows_check(const struct sim *s, const struct conf *cfg, int err,
			       const char *message)
{
	char printed[1024];
	FILE *out = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	assert_non_null(out);
	fflush(stderr);
	assert_true(dup2(fileno(out), STDERR_FILENO) >= 0);
	ret = plan_check_flows(&s->live, cfg, "lb.yaml");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(out);
	n = fread(printed, 1, sizeof(printed) - 1, out);
	printed[n] = '\0';
	fclose(out);
	assert_int_equal(ret, err);
	if (!strstr(printed, message))
		fail_msg("expected \"%s\" in \"%s\"", message, printed);
}

static void test_flow_table_size_fixed_at_attach(void **state)
{
	struct sim *s = *state;
	struct conf cfg = {0};

	s->live.flow_entries = SLUICE_FLOW_ENTRIES;
	cfg.flows.size = 131072;
	cfg.flows.size_pos = (struct conf_pos){ .line = 3, .col = 9 };
	assert_flows_check(s, &cfg, -EINVAL, "lb.yaml:3:9: flows.size 131072 differs from the "
			   "running flow table (65536 entries); the flow table is sized when "
			   "sluice attaches: detach and attach again to change it");
	cfg.flows.size = SLUICE_FLOW_ENTRIES;
	assert_flows_check(s, &cfg, 0, "");
	/* Not given: the size attach uses by default, and no place in the file. */
	cfg.flows.size = 0;
	cfg.flows.size_pos = (struct conf_pos){ 0 };
	assert_int_equal(plan_flow_entries(&cfg), SLUICE_FLOW_ENTRIES);
	assert_flows_check(s, &cfg, 0, "");
	s->live.flow_entries = 131072;
	assert_flows_check(s, &cfg, -EINVAL, "lb.yaml: flows.size 65536 differs");
}

/* What `sluice stats` counts as an active flow. */
static void test_active_flows(void **state)
{
	struct sim *s = *state;
	struct sluice_flow_key tcp = { .proto = IPPROTO_TCP }, udp = { .proto = IPPROTO_UDP };
	struct sluice_flow f = { .backend_id = 0, .backend_gen = 1 };
	struct sluice_backend *be;
	struct conf cfg;

	load_drain(&cfg, false, 60);
	apply_cfg(s, &cfg);
	conf_free(&cfg);
	f.backend_id = backend_id(s, "web", "10.0.1.2");
	be = &s->live.backends[f.backend_id];
	s->live.settings.udp_idle_ns = 30 * SEC;

	assert_true(live_flow_active(&s->live, &tcp, &f, 100 * SEC, 100 * SEC));
	/* Another generation of the id: the backend it was pinned to is gone. */
	f.backend_gen = 2;
	assert_false(live_flow_active(&s->live, &tcp, &f, 100 * SEC, 100 * SEC));
	f.backend_gen = 1;
	/* UDP: seen within the idle timeout, or a tick in the future of this clock. */
	f.seen_ns = 80 * SEC;
	assert_true(live_flow_active(&s->live, &udp, &f, 100 * SEC, 110 * SEC));
	assert_false(live_flow_active(&s->live, &udp, &f, 100 * SEC, 111 * SEC));
	assert_true(live_flow_active(&s->live, &udp, &f, 100 * SEC, 79 * SEC));
	/* TCP flows never idle out. */
	assert_true(live_flow_active(&s->live, &tcp, &f, 100 * SEC, 1000 * SEC));

	/* Draining: active until the deadline, then its flows move. */
	load_drain(&cfg, true, 60);
	now_ns = 100 * SEC;
	apply_cfg(s, &cfg);
	conf_free(&cfg);
	assert_true(live_flow_active(&s->live, &tcp, &f, 160 * SEC, 160 * SEC));
	assert_false(live_flow_active(&s->live, &tcp, &f, 161 * SEC, 161 * SEC));

	/* Removed: none of its flows are. */
	apply(s, "services:\n" WEB(W1 ", " W3));
	assert_false(be->flags & SLUICE_BACKEND_F_LIVE);
	assert_false(live_flow_active(&s->live, &tcp, &f, 100 * SEC, 100 * SEC));
	f.backend_id = 0;
	assert_false(live_flow_active(&s->live, &tcp, &f, 100 * SEC, 100 * SEC));
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* services and backends */
		T(test_first_apply),
		T(test_same_config_twice_writes_nothing),
		T(test_removed_backend_stays_reserved_until_services_flipped),
		T(test_readded_backend_stales_old_flows),
		T(test_weight_change_and_draining),
		T(test_all_backends_draining_empties_table),
		T(test_mac_change_updates_backend_only),
		T(test_renamed_service_keeps_id_and_counters),
		T(test_service_removal),
		T(test_port0_lookup_on_before_and_off_after),
		T(test_shared_backend_address_gets_one_id_per_service),
		T(test_nodes_with_same_config_build_same_tables),
		/* ipip, drains, the flow table */
		T(test_ipip_service_value),
		T(test_forward_changes_update_the_service_only),
		T(test_drain_deadline_set_kept_and_cleared),
		T(test_backend_added_draining_gets_a_deadline),
		T(test_flow_settings),
		T(test_tx_ports_follow_ipip_backends),
		T(test_too_many_tx_ports_refused),
		T(test_ipip_config_twice_writes_nothing),
		T(test_nexthop_gen_follows_ipip_changes),
		T(test_macs_follow_interface_and_config),
		T(test_flow_table_size_fixed_at_attach),
		T(test_active_flows),
		/* filter rules */
		T(test_default_rule_closes_the_set),
		T(test_rule_prefixes_are_kept),
		T(test_many_rules_noted_as_a_count),
		T(test_reordered_rules_keep_counters),
		T(test_renamed_or_removed_rules),
		T(test_unnamed_rules_matched_by_content),
		T(test_unchanged_rules_are_not_rewritten),
		/* a full data plane */
		T(test_full_backend_ids_refused_until_removals_applied),
		T(test_full_service_ids_refused),
		T(test_full_rule_counters_refused),
		T(test_every_rule_renamed_at_once),
		T(test_every_service_moved_at_once),
		T(test_every_backend_moved_at_once),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL) ? 1 : 0;
}
