/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The running configuration of one interface, read back from its pinned maps.
 * Everything apply diffs against and status prints comes from here, so the maps
 * stay the only source of truth.
 */
#ifndef SLUICE_KERNEL_LIVE_H
#define SLUICE_KERNEL_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "xdp/abi.h"
#include "kernel/maps.h"

struct live_service {
	struct sluice_vip_key key;
	struct sluice_service val;
	struct sluice_service_meta meta;
};

/*
 * What packets use: the generation and filter slot the root selects, with keys
 * without their generation (services, health peers) and backends by id.
 */
struct live_state {
	__u32 root;		/* abi.h; filter_slot and the generation come from it */
	struct sluice_settings settings;
	size_t n_services;
	struct live_service services[SLUICE_MAX_SERVICES];
	struct sluice_backend backends[SLUICE_MAX_BACKENDS];
	/* The rule set in match order, the default last; empty before any apply. */
	size_t n_rules;
	struct sluice_rule rules[SLUICE_RULE_COUNTERS];
	struct sluice_rule_meta rule_meta[SLUICE_RULE_COUNTERS];	/* by counter */
	/* The compiled classifier packets use: its slot and header. */
	__u32 filter_slot;
	struct sluice_filter_header filter_header;
	/* Entries of the flow table, fixed when sluice attached. */
	__u32 flow_entries;
	/* Interfaces in tx_ports, ascending. */
	size_t n_tx_ports;
	__u32 tx_ports[SLUICE_TX_PORTS];
	/* Endpoints whose replies the deny default spares (health checks), any order. */
	size_t n_health_peers;
	struct sluice_health_peer health_peers[SLUICE_MAX_BACKENDS];
};

/*
 * Cells 0..n-1 of an array map in one syscall into values; *read gets how many the
 * map had. 0 or -errno.
 */
int live_read_cells(int fd, __u32 n, void *values, __u32 *read);

/* The same for cells first..first+n-1. */
int live_read_cells_from(int fd, __u32 first, __u32 n, void *values, __u32 *read);

/*
 * The generation packets use, for the single writes made into it in place (watch's
 * repairs, a new interface MAC); the next apply carries them over. 0 or -errno.
 */
int live_running_gen(const struct sluice_maps *maps, __u32 *gen);

/* Allocates *out; returns 0 or -errno (after printing why). */
int live_read(const struct sluice_maps *maps, struct live_state **out);

/*
 * The same into a state the caller holds, read before: its 7 MiB are mapped already,
 * where a new one costs a page fault every 4 KiB it is written (2,000 a read).
 * !rules: rule_meta (4 MiB) is not read again, live keeps the one it holds.
 */
int live_read_into(const struct sluice_maps *maps, struct live_state *live, bool rules);

/*
 * What generation gen holds (settings, services, backends, health peers) into out,
 * its other fields untouched: the one packets do not use, which an apply writes
 * over. 0 or -errno (after printing why).
 */
int live_read_generation(const struct sluice_maps *maps, __u32 gen, struct live_state *out);

/* Fill live->rules and n_rules from live->rule_meta: the rules in use, by position. */
void live_order_rules(struct live_state *live);

/*
 * The live backends grouped by service: the ids of service s, ascending, are
 * ids[first[s]] up to ids[first[s + 1] - 1]. first has SLUICE_MAX_SERVICES + 1
 * cells, ids SLUICE_MAX_BACKENDS. One walk over every backend id, so that a
 * thousand services are not a thousand such walks.
 */
void live_backends_by_service(const struct live_state *live, __u32 *first, __u32 *ids);

/* The live service with this id, or NULL. */
const struct live_service *live_service_by_id(const struct live_state *live, __u32 id);

/* Sum a per-CPU counter map entry over all CPUs. */
int live_counter(int map_fd, __u32 index, struct sluice_counter *sum);

/* Sum a per-CPU new-flow counter (service_flows, backend_flows) over all CPUs. */
int live_new_flows(int map_fd, __u32 index, __u64 *sum);

/*
 * Does this flow-table entry still steer packets: its backend id and generation are
 * live, its backend's drain (if any) has not timed out, and a UDP flow was seen
 * within the idle timeout? now_ns is CLOCK_MONOTONIC (drain deadlines), coarse_ns
 * CLOCK_MONOTONIC_COARSE (what the data plane stamps seen_ns with).
 */
bool live_flow_active(const struct live_state *live, const struct sluice_flow_key *key,
		      const struct sluice_flow *flow, __u64 now_ns, __u64 coarse_ns);

/*
 * Walk the flow table: *entries receives how many entries it holds, active[id] how
 * many active flows lead to backend id (SLUICE_MAX_BACKENDS cells, zeroed here).
 */
int live_count_flows(const struct sluice_maps *maps, const struct live_state *live,
		     __u64 *entries, __u64 *active);

#endif /* SLUICE_KERNEL_LIVE_H */
