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

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
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
 * that same flag (the kernel compares inner map flags), and max_entries M.
 */
struct maglev_table {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_TABLE_SIZE_MIN);
	__uint(map_flags, BPF_F_INNER_MAP);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, SLUICE_TABLE_SLOTS);
	__type(key, __u32);
	__array(values, struct maglev_table);
} maglev_tables SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_MAX_BACKENDS);
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
 * One rule set: position -> rule, created with BPF_F_INNER_MAP and any length.
 * Sizes rather than types: clang emits no BTF for a struct reached only through
 * the template, and libbpf refuses a map whose value type is a bare declaration.
 */
struct rule_set {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_INNER_MAP);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct sluice_rule));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct rule_set);
} rule_sets SEC(".maps");

/* Indexed by sluice_rule.counter; SLUICE_DEFAULT_RULE_COUNTER is the default rule. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_MAX_RULES + 1);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} rule_stats SEC(".maps");

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

/* Control-plane bookkeeping, never read here; declared so that the object creates them. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_MAX_SERVICES);
	__type(key, __u32);
	__type(value, struct sluice_service_meta);
} service_meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLUICE_MAX_RULES + 1);
	__type(key, __u32);
	__type(value, struct sluice_rule_meta);
} rule_meta SEC(".maps");

#endif /* SLUICE_XDP_MAPS_H */
