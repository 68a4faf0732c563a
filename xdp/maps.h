/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Every map of the sluice program. The names are the contract with the control
 * plane, which opens and pins them by name; keys and values come from abi.h.
 */
#ifndef SLUICE_XDP_MAPS_H
#define SLUICE_XDP_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"

/*
 * The root (abi.h): read once per packet, a load and no lookup, in a section of its
 * own so that it is a map of its own, and writing it writes nothing else.
 */
__u32 config_root SEC(".data.root");

/* One entry per generation. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_GENERATIONS);
	__type(key, __u32);
	__type(value, struct sluice_settings);
} settings SEC(".maps");

/* Indexed by enum sluice_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_STAT_MAX);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLUICE_MAX_SERVICES);
	__type(key, struct sluice_vip_key);
	__type(value, struct sluice_service);
} services SEC(".maps");

/*
 * One Maglev table: slot -> backend id (0 = none). BPF_F_INNER_MAP lets tables of
 * any size M share the outer map; the control plane must create every table with
 * the same flags (the kernel compares inner map flags), and max_entries M. Tables
 * are mappable so that the control plane fills one with stores, not updates.
 */
struct maglev_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_TABLE_SIZE_MIN);
	__uint(map_flags, BPF_F_INNER_MAP | BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, SLUICE_TABLE_SLOTS);
	__type(key, __u32);
	__array(values, struct maglev_table);
} maglev_tables SEC(".maps");

/* Each generation's backends, index SLUICE_BACKEND_INDEX. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_GENERATIONS * SLUICE_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct sluice_backend);
} backends SEC(".maps");

/*
 * One shared LRU list rather than per-CPU lists: a flow may hop CPUs when the NIC's
 * RSS changes, and per-CPU lists would split the capacity between CPUs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SLUICE_FLOW_ENTRIES);
	__type(key, struct sluice_flow_key);
	__type(value, struct sluice_flow);
} flows SEC(".maps");

/*
 * The compiled classifier, double-buffered: the root names the slot packets use,
 * and an apply fills the other slot (header and inner maps) before flipping it, so
 * a packet sees one whole rule set, old or new. Inner maps are declared by sizes:
 * clang emits no BTF for a struct reached only through a template.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct sluice_filter_header);
} filter_headers SEC(".maps");

/*
 * The fixed-size regions, one value per slot: a packet looks its slot up once and
 * then reads each cell with a bounds check and a load, no lookup per cell.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct sluice_filter_fixed);
} filter_fixed SEC(".maps");

/* Every region of the classifier's tables, end to end (see abi.h); mappable as above. */
struct filter_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP | BPF_F_MMAPABLE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct filter_table);
} filter_tables SEC(".maps");

struct filter_prefix_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct sluice_prefix_key));
	__uint(value_size, sizeof(struct sluice_addr_value));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct filter_prefix_trie);
} filter_prefixes SEC(".maps");

/* Rules with both prefixes: (src class, dst prefix) -> what they say. */
struct filter_pair_hash {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct sluice_pair_key));
	__uint(value_size, sizeof(struct sluice_addr_value));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct filter_pair_hash);
} filter_pairs SEC(".maps");

/* Rules with addresses and ports: (address class, p class) -> result. */
struct filter_mixed_hash {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct sluice_mixed_key));
	__uint(value_size, sizeof(__u64));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct filter_mixed_hash);
} filter_mixed SEC(".maps");

/* Indexed by rule counter; the fixed ids after the configured rules are in abi.h. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_RULE_COUNTERS);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} rule_stats SEC(".maps");

/* Packets a rate-limit rule dropped, by rule counter. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_RULE_IDS);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} rule_limited SEC(".maps");

/* Rate-limit parameters of each filter slot, index SLUICE_LIMIT_INDEX. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * SLUICE_RULE_IDS);
	__type(key, __u32);
	__type(value, struct sluice_limit);
} rule_limits SEC(".maps");

/* Rule-wide buckets of the rate-limit rules (ratelimit.h), by rule counter. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_RULE_IDS);
	__type(key, __u32);
	__type(value, __u64);
} rule_buckets SEC(".maps");

/* Per-source buckets; the least recently seen sources make room for new ones. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SLUICE_LIMIT_SOURCES);
	__type(key, struct sluice_limit_key);
	__type(value, __u64);
} limit_sources SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_MAX_SERVICES);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} service_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} backend_stats SEC(".maps");

/* New flows per service and per backend (ids as in service_stats and backend_stats). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_MAX_SERVICES);
	__type(key, __u32);
	__type(value, struct sluice_flow_counter);
} service_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct sluice_flow_counter);
} backend_flows SEC(".maps");

/* Key 0: this CPU's window of the new-flow guard (settings.new_flows_per_cpu). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sluice_flow_guard);
} flow_guard SEC(".maps");

/*
 * Ports ipip may leave by when the FIB's egress is not the receiving interface:
 * ifindex -> ifindex, filled by the control plane with the egress of every backend.
 */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, SLUICE_TX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

/*
 * ipip's next-hop cache (nexthop.h), by backend id. Per CPU, so that filling it is a
 * plain write that no other CPU sees; never pinned: the control plane invalidates
 * it through settings.nexthop_gen and never reads it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct sluice_nexthop);
} nexthops SEC(".maps");

/* Control-plane bookkeeping, never read here; declared so that the object creates them. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_MAX_SERVICES);
	__type(key, __u32);
	__type(value, struct sluice_service_meta);
} service_meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_RULE_COUNTERS);
	__type(key, __u32);
	__type(value, struct sluice_rule_meta);
} rule_meta SEC(".maps");

/* Who loaded this program (abi.h); written and frozen by the control plane, never read here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sluice_identity);
} identity SEC(".maps");

/* Every health-checked backend's address and check port, by generation (value unused). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLUICE_MAX_BACKENDS);
	__type(key, struct sluice_health_peer);
	__type(value, __u32);
} health_peers SEC(".maps");

/*
 * `sluice monitor` (monitor.h): its gate, one global so that reading it costs a
 * load and no lookup, in a section of its own so that it is a map of its own to
 * pin; its samples; and each CPU's sampling budget.
 */
__u32 monitor_gate SEC(".data.monitor");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SLUICE_MONITOR_RING);
} monitor_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sluice_monitor_budget);
} monitor_budget SEC(".maps");

#endif /* SLUICE_XDP_MAPS_H */
