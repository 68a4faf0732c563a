/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The contract between sluice's data plane (xdp/) and its control plane (kernel/,
 * plan/, cli/).
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

/* What a config may hold; user space refuses configs that do not fit. */
#define SLUICE_CONF_SERVICES	1024
#define SLUICE_CONF_BACKENDS	8191	/* over every service */
#define SLUICE_MAX_RULES	16384	/* filter rules of a config */
/*
 * Id spaces, twice what a config holds. An apply gives what it adds ids of their
 * own while the running config still holds its ids, and frees those only once no
 * packet can see them; so a config that replaces everything the running one holds
 * (every rule renamed, every VIP or backend address changed) still fits.
 */
#define SLUICE_MAX_SERVICES	(2 * SLUICE_CONF_SERVICES)	/* service ids 0..MAX-1 */
#define SLUICE_MAX_BACKENDS	(2 * (SLUICE_CONF_BACKENDS + 1))	/* ids 1..MAX-1; 0 = none */
#define SLUICE_RULE_IDS		(2 * SLUICE_MAX_RULES)	/* counter ids of configured rules */
#define SLUICE_MAX_COUNT_RULES	48	/* rules with action count (bits of a class result) */
#define SLUICE_FLOW_ENTRIES	65536	/* default size of the flow table */
#define SLUICE_FLOW_ENTRIES_MIN	1024
#define SLUICE_FLOW_ENTRIES_MAX	(1U << 26)
#define SLUICE_TX_PORTS		64	/* interfaces ipip may leave by (XDP_REDIRECT) */

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

/*
 * The layout of every pinned map: names, types, key and value structs, sizes. Bump
 * it with any change to one of them, so that a sluice never reads or writes maps
 * whose layout it does not know, and `sluice upgrade` refuses to hand the pinned
 * maps to a program built for another layout. 1 was sluice before versions.
 */
/*
 * 3: the monitor's maps. 4: the root; filter_headers carries the rule set's
 * answers for services (answers[]); `stats` no longer holds RX and FILTER_PASS
 * (derived by readers, stats.h).
 */
#define SLUICE_LAYOUT_VERSION	4

/*
 * The root (`.data.root`, one global the program reads once per packet): which
 * generation of the configuration packets use, and which slot of the filter. Of
 * everything packets read, an apply writes only where the running root does not
 * look: the other generation's services, backends, settings and health peers, the
 * filter's other slot with its rate-limit parameters. Then it writes this one word.
 * Whenever sluice stops, a packet sees the old configuration or the new one, whole.
 */
#define SLUICE_ROOT_FILTER_SLOT	0x01	/* the filter slot packets use */
#define SLUICE_ROOT_GEN		0x10	/* the generation, as ORed into key families */
#define SLUICE_GENERATIONS	2

/* The generation (0 or 1) a root selects. */
#define SLUICE_ROOT_GEN_OF(root)	(((root) & SLUICE_ROOT_GEN) / SLUICE_ROOT_GEN)
/* A key's family in generation gen (services, health_peers). */
#define SLUICE_GEN_FAMILY(gen, family)	((family) | (gen) * SLUICE_ROOT_GEN)

/*
 * Value of the one-entry `identity` map: what the sluice that loaded the program
 * wrote of it, frozen before the program was attached. Never pinned: it belongs to
 * its program (bound to it, so it is among the program's map ids), and a later
 * program gets its own.
 */
struct sluice_identity {
	__u32 layout;		/* SLUICE_LAYOUT_VERSION of the object loaded */
	__u8 tag[8];		/* the kernel's tag of the program it describes */
	__u32 pad;
	__u64 object;		/* FNV-1a 64 of the object file the program came from */
};

/* Where the control plane pins everything: SLUICE_PIN_ROOT "/<ifname>/<map>". */
#define SLUICE_PIN_ROOT		"/sys/fs/bpf/sluice"

#define SLUICE_AF_INET		4
#define SLUICE_AF_INET6		6

/* Global counters, index of the `stats` per-CPU array. */
enum sluice_stat {
	SLUICE_STAT_RX,			/* every frame the program saw (derived, stats.h) */
	SLUICE_STAT_PASS,		/* handed to the kernel stack, not ours to touch */
	SLUICE_STAT_NON_IP,		/* ARP, LLDP...: passed */
	SLUICE_STAT_MALFORMED,		/* truncated or invalid headers: policy applied */
	SLUICE_STAT_FRAGMENT,		/* IP fragments seen (hashed without ports) */
	SLUICE_STAT_FILTER_DROP,	/* dropped by a deny rule or the default policy */
	SLUICE_STAT_FILTER_PASS,	/* allowed by the filter (derived, stats.h) */
	SLUICE_STAT_LB_FORWARD,		/* sent to a backend (XDP_TX) */
	SLUICE_STAT_LB_NO_BACKEND,	/* VIP hit but its table is empty: dropped */
	SLUICE_STAT_FLOW_HIT,		/* established flow found in the flow table */
	SLUICE_STAT_FLOW_MISS,		/* new flow, backend chosen by Maglev */
	SLUICE_STAT_FLOW_STALE,		/* flow pointed at a removed backend: re-hashed */
	SLUICE_STAT_RATE_LIMITED,	/* over a rate-limit rule's rate: dropped (in FILTER_DROP) */
	/* Load balancer drops by reason; with LB_FORWARD and LB_NO_BACKEND they add up
	 * to the VIP packets (see stats.h). */
	SLUICE_STAT_LB_NO_ROUTE,	/* ipip: the FIB has no usable route to the backend */
	SLUICE_STAT_LB_NO_NEIGH,	/* ipip: next hop's MAC unresolved in the kernel */
	SLUICE_STAT_LB_ENCAP_ERROR,	/* ipip: the frame could not be grown or written */
	SLUICE_STAT_LB_TOO_BIG,		/* too big once encapsulated: ICMP sent to the client */
	SLUICE_STAT_LB_TOO_BIG_NODF,	/* too big, IPv4 without DF (cannot fragment): dropped */
	SLUICE_STAT_LB_REDIRECT,	/* of LB_FORWARD: sent out another port (devmap) */
	SLUICE_STAT_ICMP_TO_BACKEND,	/* of LB_FORWARD: ICMP error about a VIP flow */
	SLUICE_STAT_FLOW_EXPIRED,	/* flow re-hashed: UDP idle, or draining past timeout */
	SLUICE_STAT_FLOW_GUARD_SKIP,	/* new flow not recorded: over the new-flow guard */
	SLUICE_STAT_OTHER_HOST,		/* unicast to a MAC not ours (flooded): passed untouched */
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

/*
 * Destination MACs whose unicast frames are this node's: the interface's own and
 * those the config lists (settings.macs). 8 bytes each, the last two zero, aligned
 * so that a MAC compares as one 4-byte and one 2-byte load (a byte array alone would
 * make clang split the 4-byte one into four).
 */
#define SLUICE_MACS		8

struct sluice_mac {
	__u8 addr[6];
	__u8 pad[2];
} __attribute__((aligned(4)));

/* `settings`, one entry per generation: node-wide knobs written at attach/apply. */
struct sluice_settings {
	__u32 malformed_policy;		/* enum sluice_malformed_policy */
	__u32 have_any_port_vips;	/* skip the port-0 VIP lookup when none exist */
	__u64 udp_idle_ns;		/* a UDP flow idle this long is re-hashed; 0 = never */
	/*
	 * New-flow guard: at most this many flow-table inserts per CPU per second. Over
	 * it, a TCP SYN or a UDP packet still goes to its Maglev backend but is not
	 * recorded; a TCP flow is recorded by its first packet without SYN, so spoofed
	 * SYNs never evict established flows. 0 = no guard.
	 */
	__u32 new_flows_per_cpu;
	/*
	 * Generation of ipip's next-hop cache (`nexthops`): entries filled under another
	 * are not used. Bumped by every apply that changes services, backends or
	 * tx_ports, and by `sluice watch` when a backend's route or next hop changes.
	 */
	__u32 nexthop_gen;
	/*
	 * Unicast frames to any other destination MAC reach the node only when a switch
	 * floods them or the port is promiscuous, and are another host's: passed to the
	 * kernel untouched (OTHER_HOST). macs[0] is the interface's own MAC, also the
	 * source MAC of every frame l2dsr and ICMP replies send back out; the control
	 * plane writes it at attach and at every apply, and `sluice watch` when the
	 * interface's address changes. Until then n_macs is 0: no unicast frame is ours.
	 */
	__u32 n_macs;
	__u32 pad;
	struct sluice_mac macs[SLUICE_MACS];
};

/* Key of the `services` hash: the VIP. port 0 = every port of that address. */
struct sluice_vip_key {
	__be32 addr[4];
	__be16 port;
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;		/* SLUICE_AF_INET or SLUICE_AF_INET6, in a generation */
};

enum sluice_forward {
	SLUICE_FWD_L2DSR = 1,	/* rewrite destination MAC, XDP_TX */
	SLUICE_FWD_IPIP,	/* encapsulate toward the backend, next hop from the FIB */
};

#define SLUICE_SERVICE_F_ENCAP4	(1U << 0)	/* encap_src4 is set: IPv4 outer headers */
#define SLUICE_SERVICE_F_ENCAP6	(1U << 1)	/* encap_src6 is set: IPv6 outer headers */

/*
 * Value of `services`. Replaced whole on every change; a hash-map update swaps the
 * element under RCU, so readers see the old or the new value, never a mix.
 */
struct sluice_service {
	__u32 id;		/* index of per-service stats, 0..SLUICE_MAX_SERVICES-1 */
	__u32 table_slot;	/* index in `maglev_tables` of the active table */
	__u32 table_size;	/* M of that table */
	__u8 forward;		/* enum sluice_forward */
	__u8 flags;		/* SLUICE_SERVICE_F_* */
	__u8 encap_len4;	/* prefix lengths of the outer sources (for status) */
	__u8 encap_len6;
	/*
	 * ipip outer source: encap_src | (flow hash & encap_host), so that each flow gets
	 * its own source within the configured prefix and backends' RSS spreads flows.
	 * encap_host6 covers only the last 32 bits of the IPv6 address.
	 */
	__be32 encap_src4;
	__be32 encap_host4;
	__be32 encap_src6[4];
	__be32 encap_host6;
	__u32 drain_timeout_s;	/* control plane only: deadline given to draining backends */
};

/* Backend lifecycle as the control plane sees it (data plane reads only `flags`). */
enum sluice_backend_state {
	SLUICE_BACKEND_ACTIVE,		/* in the Maglev table */
	SLUICE_BACKEND_DRAINING,	/* out of the table, established flows stay */
};

#define SLUICE_BACKEND_F_LIVE		(1U << 0)	/* slot in use; flows to it are valid */
#define SLUICE_BACKEND_F_DRAINING	(1U << 1)	/* flows valid until drain_deadline_ns */

/* Index in `backends` of backend id in generation gen. */
#define SLUICE_BACKEND_INDEX(gen, id)	((gen) * SLUICE_MAX_BACKENDS + (id))

/*
 * Value of the `backends` array, index = SLUICE_BACKEND_INDEX. The first cache line holds what
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
	/* Draining with a timeout: bpf_ktime_get_ns() after which its flows move; 0 = never. */
	__u64 drain_deadline_ns;
	__u32 weight;
	__u8 state;		/* enum sluice_backend_state */
	__u8 pad[3];
};

/*
 * Value of the per-CPU `nexthops` array, index = backend id: the last successful
 * FIB lookup of an ipip backend on this CPU, which packets reuse instead of asking
 * the FIB again while gen is settings.nexthop_gen and expires_ns is ahead. Only the
 * data plane reads or writes it.
 */
struct sluice_nexthop {
	__u64 expires_ns;	/* bpf_ktime_get_coarse_ns() from which it is asked again */
	__u8 dmac[6];		/* the next hop's MAC */
	__u8 smac[6];		/* the egress port's MAC */
	__u32 gen;		/* settings.nexthop_gen it was filled under */
	__u32 ifindex;		/* egress port */
	__u32 mtu;		/* the route's MTU (whole outer packet), as the FIB gave it */
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

/*
 * Key of `health_peers`: a backend's address and the port `sluice run` checks it on.
 * TCP from there is what the checks' replies are, and a deny default spares it.
 */
struct sluice_health_peer {
	__be32 addr[4];
	__be16 port;
	__u8 family;		/* in a generation, as the services' */
	__u8 pad;
};

/* Value of `flows`: the backend a connection is pinned to. */
struct sluice_flow {
	__u32 backend_id;
	__u32 backend_gen;	/* must equal backends[id].gen, else the flow is stale */
	/* UDP only: bpf_ktime_get_coarse_ns() of a recent packet, refreshed about once a second. */
	__u64 seen_ns;
};

/* Per-CPU state of the new-flow guard, key 0 of `flow_guard`. */
struct sluice_flow_guard {
	__u64 window_ns;	/* start of the current one-second window */
	__u64 inserts;		/* flow-table inserts in it on this CPU */
};

/* Per-CPU flow counters of `service_flows` and `backend_flows` (same ids as stats). */
struct sluice_flow_counter {
	__u64 new_flows;	/* flows chosen by Maglev (recorded or not) */
};

enum sluice_action {
	SLUICE_ACT_ALLOW = 1,
	SLUICE_ACT_DENY,
	SLUICE_ACT_COUNT,	/* count, then the next matching rule decides */
	SLUICE_ACT_RATE_LIMIT,	/* allow within the rule's rate, drop the excess */
};

/*
 * Rule counter ids: 0..SLUICE_RULE_IDS-1 belong to configured rules and stay with a
 * rule across applies; the ids after them are fixed. Every id fits the 16 bits a
 * classifier action word gives it (SLUICE_FILTER_ACT_COUNTER).
 */
#define SLUICE_DEFAULT_RULE_COUNTER	SLUICE_RULE_IDS		/* the default policy */
#define SLUICE_NDP_RULE_COUNTER		(SLUICE_RULE_IDS + 1)	/* implicit: NDP spared */
#define SLUICE_MGMT_RULE_COUNTER	(SLUICE_RULE_IDS + 2)	/* implicit: own session */
#define SLUICE_HEALTH_RULE_COUNTER	(SLUICE_RULE_IDS + 3)	/* implicit: check replies */
#define SLUICE_RULE_COUNTERS		(SLUICE_RULE_IDS + 4)
_Static_assert(SLUICE_RULE_COUNTERS <= 0x10000, "a rule counter id fits 16 bits");

#define SLUICE_RULE_F_SRC		(1U << 0)	/* src/src_len apply */
#define SLUICE_RULE_F_DST		(1U << 1)
#define SLUICE_RULE_F_ICMP_TYPE		(1U << 2)
#define SLUICE_RULE_F_PER_SOURCE	(1U << 3)	/* rate-limit buckets per source */

/*
 * One filter rule as configured. The data plane never walks rules: the control plane
 * compiles the whole set into the classifier below and keeps each rule's definition
 * in `rule_meta`, from which `status` and the next `apply` read it back.
 */
struct sluice_rule {
	__be32 src[4];
	__be32 dst[4];
	__u8 src_len;		/* prefix lengths */
	__u8 dst_len;
	__u8 family;		/* 0 = any */
	__u8 proto;		/* 0 = any */
	__u16 sport_lo;		/* host byte order, inclusive; 0..65535 = any */
	__u16 sport_hi;
	__u16 dport_lo;
	__u16 dport_hi;
	__u8 tcp_flags;		/* (flags & tcp_flags_mask) == tcp_flags */
	__u8 tcp_flags_mask;
	__u8 icmp_type;
	__u8 flags;		/* SLUICE_RULE_F_* */
	__u8 action;		/* enum sluice_action */
	__u8 pad[3];
	__u32 counter;		/* index in `rule_stats` */
	__u32 rate_packets;	/* rate-limit: packets per rate_seconds ... */
	__u32 rate_seconds;
	__u32 rate_burst;	/* ... with this many back to back */
};

/*
 * The compiled classifier: Recursive Flow Classification for ports and protocol,
 * longest-prefix match for addresses, and rules split by what they look at so that
 * no two large dimensions are ever cross-multiplied into a dense table:
 *
 *   misc  = fixed[SLUICE_FIXED_MISC + (family, protocol kind, TCP flags or ICMP type)]
 *   sport = fixed[SLUICE_FIXED_SPORT + source port, or SLUICE_FILTER_NO_PORT]
 *   dport = fixed[SLUICE_FIXED_DPORT + destination port, or SLUICE_FILTER_NO_PORT]
 *   x     = table[t1_off + misc * n_sport + sport]   (misc: the low 32 bits; when no
 *                             rule names a source port, n_sport is 1 and misc's
 *                             high 32 bits hold t2_off + 2 * x * n_dport instead)
 *   table[t2_off + 2 * (x * n_dport + dport)]      for that port/protocol class p:
 *                             the result of the rules without addresses,
 *   table[t2_off + 2 * (x * n_dport + dport) + 1]  and p's classes among rules with
 *                             addresses and ports, packed; or, when that result
 *                             comes before first_addr_pos, its action word
 *   dir[src], dir[dst]        IPv4: classes of the address among rules that name
 *                             it, from a 16-8-8 multibit trie: level 1 in fixed
 *                             cells, the blocks below it at table[dir_off]
 *   trie[src], trie[dst]      IPv6: the same from an LPM trie
 *   pairs[src class, dst prefix]  rules with both prefixes: for each of their
 *                             classes by src, their dst prefixes in a hash, probed
 *                             longest first at the lengths that both the class
 *                             (table[pmask_off]) and the packet's dst address
 *                             (table[dmask_off]) have
 *   table[ares_off + row * n_misc + misc]
 *                             result of those rules that name no ports
 *   mixed[class, p class]     result of those that do: only combinations that
 *                             some rule joins are listed
 *
 * `fixed` is the slot's value of `filter_fixed`, one array element holding the
 * regions whose size never changes, which a packet reads with plain loads once it
 * has looked the slot up; `table` is the slot's inner array, sized for the rule set.
 * The table's regions are laid out in the order of the header's offsets, the trie's
 * blocks last: everything before them is what a packet may read whatever its
 * addresses, and is copied to the fixed value when it fits.
 *
 * Rules are in match order, and a packet's port/protocol result is known before its
 * addresses are looked at: when it decides at a position before every rule naming
 * an address (first_addr_pos), or a dst prefix without a src (first_dst_pos), those
 * lookups can change nothing and are skipped.
 *
 * A result holds the position of the first deciding rule in the low 16 bits and the
 * count rules matched before it above; the packet's result is the smallest position
 * with the union of count bits below it. Every packet costs a bounded number of
 * lookups, whatever the number of rules.
 */
#define SLUICE_FILTER_NO_PORT		65536	/* port index of packets without ports */
#define SLUICE_FILTER_PORTS		65537
#define SLUICE_FILTER_NO_DETAIL		256	/* no TCP flags or ICMP type to look at */
#define SLUICE_FILTER_DETAILS		257
#define SLUICE_FILTER_KINDS		5	/* tcp, udp, icmp, icmpv6, anything else */
#define SLUICE_FILTER_MISC		(2 * SLUICE_FILTER_KINDS * SLUICE_FILTER_DETAILS)

/* Layout of one slot's value of `filter_fixed`. */
#define SLUICE_FIXED_MISC	0
#define SLUICE_FIXED_SPORT	(SLUICE_FIXED_MISC + SLUICE_FILTER_MISC)
#define SLUICE_FIXED_DPORT	(SLUICE_FIXED_SPORT + SLUICE_FILTER_PORTS)
#define SLUICE_FIXED_DIR	(SLUICE_FIXED_DPORT + SLUICE_FILTER_PORTS)	/* src, then dst */
#define SLUICE_DIR_LEVEL1	65536
/*
 * The table's cells before dir_off (every region but the trie's blocks) are copied
 * here, at their own offsets, when they fit (SLUICE_FILTER_HOT_FIXED), so that they
 * cost a load each instead of a lookup in the inner map; a table that fits whole is
 * copied whole (SLUICE_FILTER_ALL_FIXED).
 */
#define SLUICE_FIXED_HOT	(SLUICE_FIXED_DIR + 2 * SLUICE_DIR_LEVEL1)
#define SLUICE_FIXED_HOT_CELLS	131072	/* a power of two: indexes are masked */
#define SLUICE_FIXED_CELLS	(SLUICE_FIXED_HOT + SLUICE_FIXED_HOT_CELLS)

/* A slot's value of `filter_fixed` (under 3 MiB: below the kernel's 4 MiB value limit). */
struct sluice_filter_fixed {
	__u64 cells[SLUICE_FIXED_CELLS];
};

/* Protocol-word classes (misc) a rule set may have; more are refused. */
#define SLUICE_FILTER_MISC_MAX		32

/* Packed p classes of the groups with addresses and ports (src, dst, both): 21 bits each. */
#define SLUICE_FILTER_CLASS_BITS	21
#define SLUICE_FILTER_CLASS_MASK	((1U << SLUICE_FILTER_CLASS_BITS) - 1)

/* Results: position in the low 16 bits (all ones: no rule), count-rule bits above. */
#define SLUICE_FILTER_POS_BITS		16
#define SLUICE_FILTER_POS_MASK		0xffffULL

/* An action word (table[act_off + position]): what the rule at that position does. */
#define SLUICE_FILTER_ACT_COUNTER(w)	((__u32)(w) & 0xffff)
#define SLUICE_FILTER_ACT_ACTION(w)	((__u32)((w) >> 16) & 0xff)
#define SLUICE_FILTER_ACT_RANK(w)	((__u32)((w) >> 24) & 0xff)	/* count rules before */

#define SLUICE_FILTER_SPARE_NDP		(1U << 0)	/* the deny default lets NDP through */
#define SLUICE_FILTER_HOT_FIXED		(1U << 1)	/* table[0, dir_off) copied to SLUICE_FIXED_HOT */
#define SLUICE_FILTER_ALL_FIXED		(1U << 2)	/* the whole table is */

/* Rows of `mixed`: the group in the top bits, its class below. */
#define SLUICE_MIXED_SRC		(0U << 30)
#define SLUICE_MIXED_DST		(1U << 30)
#define SLUICE_MIXED_BOTH		(2U << 30)

/* One of the two `filter_headers`: where the regions of that slot's table start. */
struct sluice_filter_header {
	__u32 ready;		/* 0 until the slot holds a compiled set */
	__u32 flags;		/* SLUICE_FILTER_* */
	__u32 t1_off;
	__u32 t2_off;
	__u32 ares_off;		/* rows of n_misc results, for addresses */
	__u32 pmask_off;	/* per src class: SLUICE_PAIR_MASK_CELLS cells of lengths */
	__u32 dmask_off;	/* rows of SLUICE_PAIR_MASK_CELLS: lengths of the dst prefixes
				 * of rules with both that hold an address */
	__u32 act_off;
	__u32 count_off;	/* counter ids of the count rules, by rank */
	__u32 dir_off;		/* blocks of the IPv4 multibit trie (level 1 is fixed) */
	__u32 n_misc;		/* row lengths */
	__u32 n_sport;
	__u32 n_dport;
	__u32 n_rules;		/* positions, the default included */
	__u32 first_addr_pos;	/* of a rule naming an address; past every position if none */
	__u32 first_dst_pos;	/* of a rule naming a dst prefix but no src, likewise */
	/*
	 * What this rule set says of every packet of a service, by service id: 0, it
	 * depends on the packet; else 1 + the counter of the allow rule (or allow
	 * default) that takes each of them before any other rule could match one
	 * (filter/filter_answer.h). Such packets skip the classifier. Kept in the slot,
	 * so that it flips with the rule set it was computed for.
	 */
	__u16 answers[SLUICE_MAX_SERVICES];
};

/*
 * Set in a SLUICE_FIXED_DPORT cell (above the class, which is read as 32 bits):
 * some service with an answer takes packets to this port (every port for an
 * any-port service), so a packet to it is worth a service lookup before the filter.
 */
#define SLUICE_FILTER_DPORT_ANSWERED	(1ULL << 32)

/*
 * A cell of the IPv4 multibit trie: a pointer (relative to dir_off) to the 256 cells
 * of the next 8 bits, or a leaf holding an address's classes, 21 bits each (a
 * struct sluice_addr_value packed). An empty leaf means no rule names the address.
 */
#define SLUICE_DIR_POINTER		(1ULL << 63)
#define SLUICE_DIR_LEAF(mixed, pair, results)	\
	((__u64)(mixed) | (__u64)(pair) << 21 | (__u64)(results) << 42)

/* LPM trie keys (IPv6): tag (src or dst), then the address. */
#define SLUICE_PREFIX_SRC4	0
#define SLUICE_PREFIX_SRC6	1
#define SLUICE_PREFIX_DST4	2
#define SLUICE_PREFIX_DST6	3
#define SLUICE_PREFIX_FIXED_BITS	8	/* the tag: always matched whole */

struct sluice_prefix_key {
	__u32 prefixlen;	/* SLUICE_PREFIX_FIXED_BITS + prefix length */
	__u8 tag;
	__u8 addr[16];
} __attribute__((packed));

/*
 * What an address (or a pair of classes) says; classes are 0 when no rule of that
 * kind names it.
 */
struct sluice_addr_value {
	__u32 mixed;		/* class among its rules with ports */
	__u32 pair;		/* src: class among rules with both prefixes; dst: row of
				 * table[dmask_off]; pair entries: 0 */
	__u32 results;		/* row of table[ares_off]: its rules without ports */
};

/*
 * Rules with both prefixes, for one src class (the scope): a dst prefix of theirs.
 * The lengths a scope has are bits 0..128 of its SLUICE_PAIR_MASK_CELLS mask cells.
 */
#define SLUICE_PAIR_MASK_CELLS	3

struct sluice_pair_key {
	__u32 scope;
	__u8 len;
	__u8 family;
	__u8 pad[2];
	__u8 addr[16];		/* host bits zero */
};

struct sluice_mixed_key {
	__u32 row;		/* SLUICE_MIXED_* | class */
	__u32 col;		/* p class of that group */
};

/*
 * Rate-limit parameters (`rule_limits`, index SLUICE_LIMIT_INDEX): each filter slot
 * has its own, so that they change with the rules they belong to. GCRA: a packet
 * conforms when the theoretical arrival time is at most tolerance ahead of now. The
 * rule-wide bucket, that time, is in `rule_buckets` by counter: both slots share it.
 */
struct sluice_limit {
	__u64 interval_ns;	/* 1 / rate */
	__u64 tolerance_ns;	/* interval * (burst - 1) */
	__u32 per_source;
	__u32 pad;
};

#define SLUICE_LIMIT_INDEX(slot, counter)	((slot) * SLUICE_RULE_IDS + (counter))

#define SLUICE_LIMIT_SOURCES	65536	/* per-source buckets (LRU) */

struct sluice_limit_key {
	__be32 src[4];
	__u32 counter;
	__u32 pad;
};

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
	__u32 position;		/* 0-based match order in the active rule set */
	struct sluice_rule rule;
};

/*
 * `sluice monitor`: packets sampled at their verdict, explained in user space.
 *
 * The gate (`.data.monitor`, one global the program reads once per packet at its
 * verdict) is 0 while nobody listens. `sluice monitor` sets it to the samples each
 * CPU may take per second, SLUICE_MONITOR_DROPS_ONLY or'ed in for --drops, and
 * clears it when it stops.
 */
#define SLUICE_MONITOR_DROPS_ONLY	(1U << 31)
#define SLUICE_MONITOR_RATE_MASK	(SLUICE_MONITOR_DROPS_ONLY - 1)
#define SLUICE_MONITOR_SNAP		128	/* bytes of each frame kept for --pcap */
#define SLUICE_MONITOR_RING		(256 * 1024)	/* bytes of `monitor_events` */
#define SLUICE_MONITOR_NONE		0xffffffffU	/* no rule, no service */

/* A record of the `monitor_events` ring buffer. */
struct sluice_monitor_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at the verdict */
	struct sluice_flow_key tuple;	/* as parsed; zero where the packet had none */
	__u32 frame_len;	/* the whole frame, at the verdict */
	__u32 cap_len;		/* bytes of it in frame[] */
	__u32 verdict;		/* XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT */
	__u32 reason;		/* the enum sluice_stat that counted the packet */
	__u32 rule;		/* filter drops: the deciding rule's counter; else NONE */
	__u32 service;		/* VIP packets: the service id; else NONE */
	__u32 backend;		/* forwarded: the backend id; else 0 */
	__u32 pad;
	__u8 frame[SLUICE_MONITOR_SNAP];
};

/* Per-CPU value of `monitor_budget` (key 0): the sampling window and what it left out. */
struct sluice_monitor_budget {
	__u64 window_ns;	/* start of the current one-second window */
	__u64 taken;		/* samples in it */
	__u64 suppressed;	/* since the program started: over the rate, not sampled */
	__u64 lost;		/* ring full (the reader is behind): sampled, not delivered */
};

/*
 * decap.bpf.c, run on backends: strips the outer header sluice's ipip mode adds.
 * Its own object with its own maps, pinned under SLUICE_PIN_ROOT "/decap-<ifname>/".
 */
enum sluice_decap_stat {
	SLUICE_DECAP_RX,	/* every frame seen */
	SLUICE_DECAP_DONE,	/* outer header stripped, inner packet passed up */
	SLUICE_DECAP_REFUSED,	/* tunnelled, but from a source outside decap_sources: dropped */
	SLUICE_DECAP_STAT_MAX,
};

/* Single-entry `decap_settings` array. */
struct sluice_decap_settings {
	__u32 restricted;	/* 1: only outer sources in decap_sources are stripped */
};

/*
 * Key of the `decap_sources` LPM trie: the outer source prefixes decap accepts.
 * prefixlen counts family's 8 bits plus the address prefix.
 */
struct sluice_decap_key {
	__u32 prefixlen;
	__u8 family;		/* SLUICE_AF_INET or SLUICE_AF_INET6 */
	__u8 addr[16];
} __attribute__((packed));

#define SLUICE_DECAP_SOURCES	64

#endif /* SLUICE_ABI_H */
