/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The pinned maps of one interface, opened by name (the names are xdp/maps.h's). */
#ifndef SLUICE_KERNEL_MAPS_H
#define SLUICE_KERNEL_MAPS_H

#include <stdbool.h>

struct sluice_maps {
	int settings;
	int stats;
	int services;
	int maglev_tables;
	int backends;
	int flows;
	int root;		/* the global config_root's map (xdp/maps.h) */
	int filter_headers;
	int filter_fixed;
	int filter_tables;
	int filter_prefixes;
	int filter_pairs;
	int filter_mixed;
	int rule_stats;
	int rule_limited;
	int rule_limits;
	int rule_buckets;
	int limit_sources;
	int service_stats;
	int backend_stats;
	int service_meta;
	int rule_meta;
	int service_flows;
	int backend_flows;
	int flow_guard;
	int tx_ports;
	int health_peers;
	int monitor_gate;	/* the global monitor_gate's map (xdp/maps.h) */
	int monitor_events;
	int monitor_budget;
};

/* Names of every map that attach pins, in struct order. */
extern const char *const sluice_map_names[];
extern const unsigned int sluice_map_count;

/*
 * The name of map i in the object (libbpf's): its pin's name, but for the map of a
 * global, which is named after its section.
 */
const char *maps_object_name(unsigned int i);

/*
 * Open all pinned maps of ifname, proven to be those of sluice's program on ifname
 * (kernel/identity.h); on failure prints why and returns -errno.
 */
int maps_open(const char *ifname, struct sluice_maps *maps);

/* Open them as pinned, proving nothing: for those that replace what is there. */
int maps_open_pins(const char *ifname, struct sluice_maps *maps);
void maps_close(struct sluice_maps *maps);

/* Whether every map of ifname is pinned (quietly: status tells the operator). */
bool maps_pinned(const char *ifname);

/* Whether any map of ifname is pinned. */
bool maps_any_pinned(const char *ifname);

/* Number of possible CPUs, the value multiplier of per-CPU maps. */
int maps_ncpus(void);

#endif /* SLUICE_KERNEL_MAPS_H */
