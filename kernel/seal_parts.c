// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The seal's parts a map write can change (seal_parts.h). */
#include "kernel/seal.h"
#include "kernel/seal_parts.h"

#define PART(p)	(1U << (p))

unsigned int seal_parts_of_map(const struct sluice_maps *maps, int map_fd)
{
	/* What packets write, or what the seal leaves out: counters, flows, buckets. */
	const int unsealed[] = {
		maps->stats, maps->flows, maps->rule_stats, maps->rule_limited,
		maps->rule_buckets, maps->limit_sources, maps->service_stats, maps->backend_stats,
		maps->service_flows, maps->backend_flows, maps->flow_guard,
		maps->monitor_gate, maps->monitor_events, maps->monitor_budget,
	};
	/* The filter's part: its slots' headers, fixed regions, inner maps, rate limits. */
	const int filter[] = {
		maps->filter_headers, maps->filter_fixed, maps->filter_tables,
		maps->filter_prefixes, maps->filter_pairs, maps->filter_mixed,
		maps->rule_limits,
	};

	if (map_fd < 0)
		return SEAL_ALL_PARTS;
	/*
	 * The root selects the generation every generation-kept part is read from; the
	 * filter's slot it also selects is the caller's to compare (seal_after).
	 */
	if (map_fd == maps->root)
		return PART(SEAL_ROOT) | PART(SEAL_SETTINGS) | PART(SEAL_SERVICES) |
		       PART(SEAL_BACKENDS) | PART(SEAL_TABLES) | PART(SEAL_PEERS);
	if (map_fd == maps->settings)
		return PART(SEAL_SETTINGS);
	/* A service's value holds its table slot: the tables' digest reads it. */
	if (map_fd == maps->services || map_fd == maps->service_meta)
		return PART(SEAL_SERVICES) | PART(SEAL_TABLES);
	if (map_fd == maps->maglev_tables)
		return PART(SEAL_TABLES);
	if (map_fd == maps->backends)
		return PART(SEAL_BACKENDS);
	/* The filter's digest takes the limits of the rules rule_meta says rate-limit. */
	if (map_fd == maps->rule_meta)
		return PART(SEAL_RULES) | PART(SEAL_FILTER);
	if (map_fd == maps->health_peers)
		return PART(SEAL_PEERS);
	if (map_fd == maps->tx_ports)
		return PART(SEAL_PORTS);
	for (size_t i = 0; i < sizeof(filter) / sizeof(filter[0]); i++)
		if (map_fd == filter[i])
			return PART(SEAL_FILTER);
	for (size_t i = 0; i < sizeof(unsealed) / sizeof(unsealed[0]); i++)
		if (map_fd == unsealed[i])
			return 0;
	return SEAL_ALL_PARTS;
}

unsigned int seal_parts_written(const struct sluice_maps *maps, const struct op *ops, size_t n)
{
	unsigned int parts = 0;

	for (size_t i = 0; i < n && parts != SEAL_ALL_PARTS; i++)
		parts |= seal_parts_of_map(maps, ops[i].map_fd);
	return parts;
}
