// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Reading an interface's running configuration and counters from its pinned maps. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/bigmem.h"
#include "kernel/live.h"

int live_read_cells_from(int fd, __u32 first, __u32 n, void *values, __u32 *read)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 next, *keys = calloc(n, sizeof(*keys)), before = first - 1;
	int err = 0;

	*read = n;
	if (!keys)
		return -ENOMEM;
	/* A batch starts after the key it is given: the cell before the first. */
	if (bpf_map_lookup_batch(fd, first ? &before : NULL, &next, keys, values, read, &opts) &&
	    errno != ENOENT)
		err = -errno;
	free(keys);
	return err;
}

int live_read_cells(int fd, __u32 n, void *values, __u32 *read)
{
	return live_read_cells_from(fd, 0, n, values, read);
}

/* The root (abi.h) into *root. 0 or -errno. */
static int live_read_root(const struct sluice_maps *maps, __u32 *root)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(maps->root, &zero, root) ? -errno : 0;
}

int live_running_gen(const struct sluice_maps *maps, __u32 *gen)
{
	__u32 root = 0;
	int err = live_read_root(maps, &root);

	*gen = SLUICE_ROOT_GEN_OF(root);
	return err;
}

/* Cells first.. of an array in one syscall: status and apply read thousands of entries. */
static int read_array_from(int fd, __u32 first, __u32 n, void *values, const char *what)
{
	__u32 count;
	int err = live_read_cells_from(fd, first, n, values, &count);

	if (!err && count != n)
		err = -EIO;
	if (err)
		fprintf(stderr, "sluice: reading %s: %s\n", what, strerror(-err));
	return err;
}

static int read_array(int fd, __u32 n, void *values, const char *what)
{
	return read_array_from(fd, 0, n, values, what);
}

static int by_service_id(const void *a, const void *b)
{
	const struct live_service *x = a, *y = b;

	return (x->val.id > y->val.id) - (x->val.id < y->val.id);
}

/*
 * The services of the root's generation and their names in two batches, not three
 * syscalls a service. Hash order changes with every insert; service id order is
 * stable for people.
 */
static int read_services(const struct sluice_maps *maps, __u32 gen, struct live_state *live)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct sluice_vip_key *keys = calloc(SLUICE_MAX_SERVICES, sizeof(*keys));
	struct sluice_service *vals = calloc(SLUICE_MAX_SERVICES, sizeof(*vals));
	struct sluice_service_meta *meta = calloc(SLUICE_MAX_SERVICES, sizeof(*meta));
	__u32 count = SLUICE_MAX_SERVICES, next, i;
	int err = keys && vals && meta ? 0 : -ENOMEM;

	/* The map holds at most SLUICE_MAX_SERVICES, both generations: one call. */
	if (!err && bpf_map_lookup_batch(maps->services, NULL, &next, keys, vals, &count,
					 &opts) && errno != ENOENT)
		err = -errno;
	err = err ?: read_array(maps->service_meta, SLUICE_MAX_SERVICES, meta, "service_meta");
	for (i = 0; !err && i < count; i++) {
		struct live_service *svc = &live->services[live->n_services];

		if (vals[i].id >= SLUICE_MAX_SERVICES ||
		    (keys[i].family & SLUICE_ROOT_GEN) != SLUICE_GEN_FAMILY(gen, 0))
			continue;
		svc->key = keys[i];
		svc->key.family &= ~SLUICE_ROOT_GEN;
		svc->val = vals[i];
		svc->meta = meta[vals[i].id];
		live->n_services++;
	}
	if (!err)
		qsort(live->services, live->n_services, sizeof(live->services[0]),
		      by_service_id);
	free(keys);
	free(vals);
	free(meta);
	return err;
}

static int by_position(const void *a, const void *b)
{
	const struct sluice_rule_meta *const *x = a, *const *y = b;

	return ((*x)->position > (*y)->position) - ((*x)->position < (*y)->position);
}

void live_order_rules(struct live_state *live)
{
	const struct sluice_rule_meta *order[SLUICE_RULE_COUNTERS];
	size_t n = 0, i;

	for (i = 0; i < SLUICE_RULE_COUNTERS; i++)
		if (live->rule_meta[i].in_use)
			order[n++] = &live->rule_meta[i];
	qsort(order, n, sizeof(order[0]), by_position);
	for (i = 0; i < n; i++)
		live->rules[i] = order[i]->rule;
	live->n_rules = n;
}

/* Which slot packets use, and what its header says. */
static int read_filter(const struct sluice_maps *maps, struct live_state *live)
{
	live->filter_slot = live->root & SLUICE_ROOT_FILTER_SLOT;
	if (bpf_map_lookup_elem(maps->filter_headers, &live->filter_slot, &live->filter_header))
		return -errno;
	live_order_rules(live);
	return 0;
}

static int read_flow_entries(const struct sluice_maps *maps, struct live_state *live)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(maps->flows, &info, &len))
		return -errno;
	live->flow_entries = info.max_entries;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return (x > y) - (x < y);
}

static void read_tx_ports(const struct sluice_maps *maps, struct live_state *live)
{
	__u32 key, next;
	void *prev = NULL;

	while (live->n_tx_ports < SLUICE_TX_PORTS &&
	       !bpf_map_get_next_key(maps->tx_ports, prev, &next)) {
		live->tx_ports[live->n_tx_ports++] = next;
		key = next;
		prev = &key;
	}
	qsort(live->tx_ports, live->n_tx_ports, sizeof(live->tx_ports[0]), by_value);
}

static void read_health_peers(const struct sluice_maps *maps, __u32 gen,
			      struct live_state *live)
{
	struct sluice_health_peer key, next;
	void *prev = NULL;

	while (live->n_health_peers < SLUICE_MAX_BACKENDS &&
	       !bpf_map_get_next_key(maps->health_peers, prev, &next)) {
		key = next;
		prev = &key;
		if ((next.family & SLUICE_ROOT_GEN) != SLUICE_GEN_FAMILY(gen, 0))
			continue;
		next.family &= ~SLUICE_ROOT_GEN;
		live->health_peers[live->n_health_peers++] = next;
	}
}

/* What generation gen holds: settings, backends, services, health peers. */
static int read_generation(const struct sluice_maps *maps, __u32 gen, struct live_state *live)
{
	int err;

	err = bpf_map_lookup_elem(maps->settings, &gen, &live->settings) ? -errno : 0;
	if (!err)
		err = read_array_from(maps->backends, SLUICE_BACKEND_INDEX(gen, 0),
				      SLUICE_MAX_BACKENDS, live->backends, "backends");
	if (!err)
		err = read_services(maps, gen, live);
	if (!err)
		read_health_peers(maps, gen, live);
	return err;
}

/*
 * Everything into live, whose counts are 0: the whole arrays (backends, rule_meta
 * unless !rules) are overwritten, the others filled up to their counts.
 */
static int read_state(const struct sluice_maps *maps, struct live_state *live, bool rules)
{
	int err;

	err = live_read_root(maps, &live->root);
	if (!err)
		err = read_generation(maps, SLUICE_ROOT_GEN_OF(live->root), live);
	if (!err && rules)
		err = read_array(maps->rule_meta, SLUICE_RULE_COUNTERS, live->rule_meta, "rule_meta");
	if (!err)
		err = read_filter(maps, live);
	if (!err)
		err = read_flow_entries(maps, live);
	if (err) {
		fprintf(stderr, "sluice: cannot read the live state: %s\n", strerror(-err));
		return err;
	}
	read_tx_ports(maps, live);
	return 0;
}

int live_read_generation(const struct sluice_maps *maps, __u32 gen, struct live_state *out)
{
	int err;

	out->n_services = out->n_health_peers = 0;
	err = read_generation(maps, gen, out);
	if (err)
		fprintf(stderr, "sluice: cannot read generation %u: %s\n", gen, strerror(-err));
	return err;
}

int live_read(const struct sluice_maps *maps, struct live_state **out)
{
	/* Zeroed, in huge pages (kernel/bigmem.h). */
	struct live_state *live = bigmem_calloc(sizeof(*live));
	int err;

	if (!live)
		return -ENOMEM;
	err = read_state(maps, live, true);
	if (err) {
		free(live);
		return err;
	}
	*out = live;
	return 0;
}

int live_read_into(const struct sluice_maps *maps, struct live_state *live, bool rules)
{
	live->n_services = live->n_rules = live->n_tx_ports = live->n_health_peers = 0;
	return read_state(maps, live, rules);
}

static bool backend_listed(const struct sluice_backend *be)
{
	return (be->flags & SLUICE_BACKEND_F_LIVE) && be->service_id < SLUICE_MAX_SERVICES;
}

void live_backends_by_service(const struct live_state *live, __u32 *first, __u32 *ids)
{
	__u32 id, s, next[SLUICE_MAX_SERVICES];

	/* A counting sort by service id, which keeps each service's ids ascending. */
	memset(first, 0, (SLUICE_MAX_SERVICES + 1) * sizeof(*first));
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++)
		if (backend_listed(&live->backends[id]))
			first[live->backends[id].service_id + 1]++;
	for (s = 0; s < SLUICE_MAX_SERVICES; s++) {
		first[s + 1] += first[s];
		next[s] = first[s];
	}
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++)
		if (backend_listed(&live->backends[id]))
			ids[next[live->backends[id].service_id]++] = id;
}

const struct live_service *live_service_by_id(const struct live_state *live, __u32 id)
{
	size_t i;

	for (i = 0; i < live->n_services; i++)
		if (live->services[i].val.id == id)
			return &live->services[i];
	return NULL;
}

/*
 * Sum the per-CPU cells of map[index] over all CPUs, word by word: every per-CPU
 * value sluice keeps is a row of __u64 counters.
 */
static int sum_cpus(int map_fd, __u32 index, __u64 *sum, size_t words)
{
	int ncpus = maps_ncpus(), cpu;
	__u64 *cells;
	size_t w;

	memset(sum, 0, words * sizeof(*sum));
	cells = calloc((size_t)ncpus * words, sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &index, cells)) {
		free(cells);
		return -errno;
	}
	for (cpu = 0; cpu < ncpus; cpu++)
		for (w = 0; w < words; w++)
			sum[w] += cells[(size_t)cpu * words + w];
	free(cells);
	return 0;
}

int live_counter(int map_fd, __u32 index, struct sluice_counter *sum)
{
	_Static_assert(sizeof(*sum) == 2 * sizeof(__u64), "a counter is two words");
	return sum_cpus(map_fd, index, &sum->packets, 2);
}

int live_new_flows(int map_fd, __u32 index, __u64 *sum)
{
	_Static_assert(sizeof(struct sluice_flow_counter) == sizeof(__u64), "one word");
	return sum_cpus(map_fd, index, sum, 1);
}

bool live_flow_active(const struct live_state *live, const struct sluice_flow_key *key,
		      const struct sluice_flow *flow, __u64 now_ns, __u64 coarse_ns)
{
	const struct sluice_backend *be;
	__u64 idle = live->settings.udp_idle_ns;

	if (!flow->backend_id || flow->backend_id >= SLUICE_MAX_BACKENDS)
		return false;
	be = &live->backends[flow->backend_id];
	if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->gen != flow->backend_gen)
		return false;
	if ((be->flags & SLUICE_BACKEND_F_DRAINING) && be->drain_deadline_ns &&
	    now_ns > be->drain_deadline_ns)
		return false;
	/* seen_ns may be a tick ahead of this CPU's coarse clock: that is recent. */
	return key->proto != IPPROTO_UDP || !idle || coarse_ns <= flow->seen_ns ||
	       coarse_ns - flow->seen_ns <= idle;
}

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

#define FLOW_CHUNK	4096

int live_count_flows(const struct sluice_maps *maps, const struct live_state *live,
		     __u64 *entries, __u64 *active)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct sluice_flow_key *keys = calloc(FLOW_CHUNK, sizeof(*keys));
	struct sluice_flow *flows = calloc(FLOW_CHUNK, sizeof(*flows));
	__u64 now = clock_ns(CLOCK_MONOTONIC), coarse = clock_ns(CLOCK_MONOTONIC_COARSE);
	__u32 pos_in, pos_out, count, i;
	void *in = NULL;
	int err = 0;
	bool last;

	*entries = 0;
	memset(active, 0, SLUICE_MAX_BACKENDS * sizeof(*active));
	if (!keys || !flows)
		err = -ENOMEM;
	/* One syscall per few thousand flows: a full table is walked in well under a second. */
	for (last = false; !err && !last; in = &pos_in) {
		count = FLOW_CHUNK;
		if (bpf_map_lookup_batch(maps->flows, in, &pos_out, keys, flows, &count, &opts)) {
			if (errno != ENOENT) {
				err = -errno;
				break;
			}
			last = true;
		}
		for (i = 0; i < count; i++)
			if (live_flow_active(live, &keys[i], &flows[i], now, coarse))
				active[flows[i].backend_id]++;
		*entries += count;
		pos_in = pos_out;
	}
	free(keys);
	free(flows);
	return err;
}
