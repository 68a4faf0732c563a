/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The contract between sluice's data plane (xdp/) and its control plane (cli/).
 *
 * Every map key, map value and constant that both sides touch is defined here and
 * nowhere else. Layouts are fixed-width, explicitly padded and free of implicit
 * holes so that BPF (clang -target bpf) and user space (gcc, x86_64) agree byte for
 * byte. Addresses are always 16 bytes in network order: an IPv4 address sits in
 * addr[0] with addr[1..3] zero, so one key type serves both families.
 */
#ifndef SLUICE_ABI_H
#define SLUICE_ABI_H

#include <linux/types.h>

/* Capacity of the maps; user space refuses configs that do not fit. */
#define SLUICE_MAX_SERVICES	1024
#define SLUICE_MAX_BACKENDS	8192	/* backend ids 1..MAX-1; 0 means "none" */
#define SLUICE_MAX_RULES	1024	/* filter rules, excluding the default rule */
#define SLUICE_FLOW_ENTRIES	65536	/* default size of the flow table */

/* Maglev table sizes (M, prime). */
#define SLUICE_TABLE_SIZE_MIN		251
#define SLUICE_TABLE_SIZE_DEFAULT	65537
#define SLUICE_TABLE_SIZE_MAX		1048573	/* largest prime below 2^20 */

/*
 * Each service owns two slots of the outer Maglev map: the active table and the
 * one being built. An apply fills the inactive slot, then flips the service's
 * table_slot in one atomic hash-map update, so no packet sees a half-written table.
 */
#define SLUICE_TABLE_SLOTS	(2 * SLUICE_MAX_SERVICES)

/* Where the control plane pins everything: SLUICE_PIN_ROOT "/<ifname>/<map>". */
#define SLUICE_PIN_ROOT		"/sys/fs/bpf/sluice"

#define SLUICE_AF_INET		4
#define SLUICE_AF_INET6		6

/* Global counters, index of the `stats` per-CPU array. */
enum sluice_stat {
	SLUICE_STAT_RX,			/* every frame the program saw */
	SLUICE_STAT_PASS,		/* handed to the kernel stack, not ours to touch */
	SLUICE_STAT_NON_IP,		/* ARP, LLDP...: passed */
	SLUICE_STAT_MALFORMED,		/* truncated or invalid headers: policy applied */
	SLUICE_STAT_FRAGMENT,		/* IP fragments seen (hashed without ports) */
	SLUICE_STAT_FILTER_DROP,	/* dropped by a deny rule or the default policy */
	SLUICE_STAT_FILTER_PASS,	/* allowed by the filter */
	SLUICE_STAT_LB_FORWARD,		/* sent to a backend (XDP_TX) */
	SLUICE_STAT_LB_NO_BACKEND,	/* VIP hit but its table is empty: dropped */
	SLUICE_STAT_FLOW_HIT,		/* established flow found in the flow table */
	SLUICE_STAT_FLOW_MISS,		/* new flow, backend chosen by Maglev */
	SLUICE_STAT_FLOW_STALE,		/* flow pointed at a removed backend: re-hashed */
	SLUICE_STAT_MAX,
};

/* Per-CPU counter cell used by every stats map. */
struct sluice_counter {
	__u64 packets;
	__u64 bytes;
};

/*
 * What the data plane does with a packet whose headers cannot be parsed.
 * Never forward: a half-parsed packet must not reach a backend.
 */
enum sluice_malformed_policy {
	SLUICE_MALFORMED_PASS,	/* default: let the kernel stack judge it */
	SLUICE_MALFORMED_DROP,
};

/* Single-entry `settings` array: node-wide knobs written at attach/apply. */
struct sluice_settings {
	__u32 malformed_policy;		/* enum sluice_malformed_policy */
	__u32 have_any_port_vips;	/* skip the port-0 VIP lookup when none exist */
};

/* Key of the `services` hash: the VIP. port 0 = every port of that address. */
struct sluice_vip_key {
	__be32 addr[4];
	__be16 port;
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;		/* SLUICE_AF_INET or SLUICE_AF_INET6 */
};

enum sluice_forward {
	SLUICE_FWD_L2DSR = 1,	/* rewrite destination MAC, XDP_TX */
};

/*
 * Value of `services`. Replaced whole on every change; a hash-map update swaps the
 * element under RCU, so readers see the old or the new value, never a mix.
 */
struct sluice_service {
	__u32 id;		/* index of per-service stats, 0..SLUICE_MAX_SERVICES-1 */
	__u32 table_slot;	/* index in `maglev_tables` of the active table */
	__u32 table_size;	/* M of that table */
	__u8 forward;		/* enum sluice_forward */
	__u8 pad[3];
};

/* Backend lifecycle as the control plane sees it (data plane reads only `flags`). */
enum sluice_backend_state {
	SLUICE_BACKEND_ACTIVE,		/* in the Maglev table */
	SLUICE_BACKEND_DRAINING,	/* out of the table, established flows stay */
};

#define SLUICE_BACKEND_F_LIVE	(1U << 0)	/* slot in use; flows to it are valid */

/*
 * Value of the `backends` array, index = backend id. The first cache line holds what
 * the data plane reads; the rest is control-plane bookkeeping so that `status` and
 * `apply` can rebuild the live configuration from the maps alone.
 */
struct sluice_backend {
	__be32 addr[4];
	__u8 mac[6];		/* next-hop MAC (the backend's, for l2dsr) */
	__u8 family;
	__u8 flags;		/* SLUICE_BACKEND_F_* */
	__u32 gen;		/* bumped whenever the id is (re)assigned */
	__u32 service_id;
	__u32 weight;
	__u8 state;		/* enum sluice_backend_state */
	__u8 pad[3];
};

/* Key of the `flows` LRU hash: the connection's 5-tuple as received. */
struct sluice_flow_key {
	__be32 src[4];
	__be32 dst[4];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

/* Value of `flows`: the backend a connection is pinned to. */
struct sluice_flow {
	__u32 backend_id;
	__u32 backend_gen;	/* must equal backends[id].gen, else the flow is stale */
};

enum sluice_action {
	SLUICE_ACT_ALLOW = 1,
	SLUICE_ACT_DENY,
};

/*
 * One filter rule. A field matches when (field & mask) == value; a zero mask and a
 * full port range match anything. Rule i of the active rule set is checked before
 * rule i+1; the set always ends with the default rule, which matches everything.
 */
struct sluice_rule {
	__be32 src[4];
	__be32 src_mask[4];
	__be32 dst[4];
	__be32 dst_mask[4];
	__u16 sport_lo;		/* host byte order, inclusive */
	__u16 sport_hi;
	__u16 dport_lo;
	__u16 dport_hi;
	__u8 family;		/* 0 = any */
	__u8 proto;		/* 0 = any */
	__u8 action;		/* enum sluice_action */
	__u8 pad;
	__u32 counter;		/* index in `rule_stats`, stable across applies */
};

/*
 * The active rule set is the single inner array of the `rule_sets` map-in-map
 * (outer index 0). An apply builds a complete new inner array and swaps the outer
 * entry, so packets see the old set or the new one, never a mix.
 */
#define SLUICE_DEFAULT_RULE_COUNTER	SLUICE_MAX_RULES	/* rule_stats slot of the default */

/*
 * Control-plane-only maps: the data plane never reads them. They let every `sluice`
 * invocation rebuild names and identities from the pinned state alone.
 */
#define SLUICE_NAME_LEN		48

/* `service_meta` array, index = service id. */
struct sluice_service_meta {
	char name[SLUICE_NAME_LEN];
	struct sluice_vip_key vip;
	__u32 in_use;
};

/* `rule_meta` array, index = rule counter id. */
struct sluice_rule_meta {
	char name[SLUICE_NAME_LEN];
	__u32 in_use;
	__u32 position;		/* 0-based order in the active rule set */
};

#endif /* SLUICE_ABI_H */
