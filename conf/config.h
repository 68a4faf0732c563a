/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * sluice's configuration model: what a YAML file says once it has been parsed and
 * fully validated. Nothing here knows about BPF; plan/ turns it into map contents.
 */
#ifndef SLUICE_CONF_CONFIG_H
#define SLUICE_CONF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_NAME_LEN	48	/* including the NUL; same as SLUICE_NAME_LEN */
/* Room for every mistake a load reports (conf/doc.h: up to 20, one a line). */
#define CONF_ERR_LEN	(20 * 512 + 128)
#define CONF_STDIN_NAME	"<stdin>"	/* what `-f -` is called in messages */

/* Where a value came from, for messages raised after parsing (e.g. at apply). */
struct conf_pos {
	unsigned int line;	/* 1-based */
	unsigned int col;	/* 1-based */
};

struct conf_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order; IPv4 in bytes[0..3], rest zero */
};

struct conf_cidr {
	struct conf_addr addr;	/* host bits are zero (validated) */
	uint8_t prefix_len;
};

enum conf_action {
	CONF_ACTION_ALLOW = 1,
	CONF_ACTION_DENY,
	CONF_ACTION_COUNT,	/* count the packet, then go on to the next rule */
	CONF_ACTION_RATE_LIMIT,	/* allow up to a rate, drop the excess */
};

enum conf_malformed {
	CONF_MALFORMED_PASS,	/* default */
	CONF_MALFORMED_DROP,
};

/* What `sluice run` does when the maps differ from what it applied (settings.tamper). */
enum conf_tamper {
	CONF_TAMPER_REPAIR,	/* default: apply again, putting back what differs */
	CONF_TAMPER_ALERT,	/* log it and count it, change nothing */
};

/* Whose packets one token bucket of a rate-limit rule meters. */
enum conf_limit_scope {
	CONF_LIMIT_RULE,	/* default: one bucket for every packet the rule matches */
	CONF_LIMIT_SOURCE,	/* one bucket per source address (bounded, LRU) */
};

struct conf_rate_limit {
	uint32_t packets;		/* this many packets ... */
	uint32_t per_seconds;		/* ... every this many seconds (1, 60 or 3600) */
	uint32_t burst;			/* packets allowed back to back */
	enum conf_limit_scope scope;
};

#define CONF_PRIORITY_MIN	(-1000000)
#define CONF_PRIORITY_MAX	1000000

/* TCP flag bits as they sit in byte 13 of the TCP header. */
#define CONF_TCP_FIN	0x01
#define CONF_TCP_SYN	0x02
#define CONF_TCP_RST	0x04
#define CONF_TCP_PSH	0x08
#define CONF_TCP_ACK	0x10
#define CONF_TCP_URG	0x20
#define CONF_TCP_ECE	0x40
#define CONF_TCP_CWR	0x80

struct conf_rule {
	char name[CONF_NAME_LEN];	/* optional, "" when absent; unique when set */
	int32_t priority;		/* lower first; ties keep file order; default 0 */
	bool has_src;
	bool has_dst;
	struct conf_cidr src;
	struct conf_cidr dst;
	uint8_t proto;			/* 0 = any, else IPPROTO_TCP/UDP/ICMP/ICMPV6 */
	uint16_t sport_lo, sport_hi;	/* 0..65535 when absent */
	uint16_t dport_lo, dport_hi;
	uint8_t tcp_flags;		/* flags that must be set, within tcp_flags_mask */
	uint8_t tcp_flags_mask;		/* flags that are looked at; 0 = any */
	bool has_icmp_type;
	uint8_t icmp_type;
	enum conf_action action;
	struct conf_rate_limit limit;	/* CONF_ACTION_RATE_LIMIT only */
	struct conf_pos pos;
};

/* What a deny default spares unless the config says otherwise (filter.exempt). */
#define CONF_EXEMPT_NDP		(1U << 0)	/* IPv6 neighbour discovery */
#define CONF_EXEMPT_MANAGEMENT	(1U << 1)	/* the operator's own session (SSH_CONNECTION) */
#define CONF_EXEMPT_DEFAULT	(CONF_EXEMPT_NDP | CONF_EXEMPT_MANAGEMENT)

struct conf_filter {
	enum conf_action default_action;	/* allow when absent; allow or deny only */
	unsigned int exempt;			/* CONF_EXEMPT_*, default CONF_EXEMPT_DEFAULT */
	size_t n_rules;
	struct conf_rule *rules;		/* in match order: by priority, then file order */
};

enum conf_forward {
	CONF_FORWARD_L2DSR = 1,
	CONF_FORWARD_IPIP,	/* IPv4-in-IPv4, IPv6-in-IPv6 or IPv4-in-IPv6 */
};

enum conf_backend_state {
	CONF_BACKEND_ACTIVE,
	CONF_BACKEND_DRAINING,
};

struct conf_backend {
	/* l2dsr: the VIP's family; ipip: a family the service has an encap source for */
	struct conf_addr addr;
	uint32_t weight;		/* CONF_WEIGHT_MIN..CONF_WEIGHT_MAX, default 100 */
	enum conf_backend_state state;
	struct conf_pos pos;
};

#define CONF_WEIGHT_MIN		1
#define CONF_WEIGHT_MAX		1000000
#define CONF_WEIGHT_DEFAULT	100

enum conf_check {
	CONF_CHECK_NONE = 0,	/* no `health:`: every backend counts as healthy */
	CONF_CHECK_TCP,		/* a TCP handshake to the port */
	CONF_CHECK_HTTP,	/* GET path on the port, answered with status `expect` */
};

#define CONF_HEALTH_PATH_LEN	128
#define CONF_HEALTH_INTERVAL_DEFAULT	2	/* seconds */
#define CONF_HEALTH_TIMEOUT_DEFAULT	1
#define CONF_HEALTH_RISE_DEFAULT	2
#define CONF_HEALTH_FALL_DEFAULT	3
#define CONF_HEALTH_COUNT_MAX		100	/* rise and fall */
#define CONF_HEALTH_INTERVAL_MAX	3600

/* How `sluice run` checks the backends of one service (section `health`). */
struct conf_health {
	enum conf_check check;
	uint16_t port;			/* on each backend's own address */
	char path[CONF_HEALTH_PATH_LEN];	/* http: starts with '/'; default "/" */
	uint16_t expect;		/* http: the status that passes; default 200 */
	uint32_t interval_s;		/* between two checks of one backend */
	uint32_t timeout_s;		/* a check not done by then failed; <= interval */
	uint32_t rise;			/* passes in a row that bring a backend up */
	uint32_t fall;			/* failures in a row that take it down */
	bool keep_established;		/* `established: keep`: a down backend's flows stay
					 * (it drains); default `move` */
	struct conf_pos pos;
};

struct conf_service {
	char name[CONF_NAME_LEN];	/* required, unique */
	struct conf_addr vip;
	/*
	 * 0 = every port, less those of services with the same VIP and proto and a
	 * specific port: the most specific service wins.
	 */
	uint16_t port;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	enum conf_forward forward;	/* l2dsr when absent */
	uint32_t table_size;		/* prime, default SLUICE_TABLE_SIZE_DEFAULT */
	/*
	 * ipip: prefixes the outer source address is taken from, one per outer family;
	 * has_encap_src4 allows IPv4 backends, has_encap_src6 IPv6 ones.
	 */
	bool has_encap_src4, has_encap_src6;
	struct conf_cidr encap_src4, encap_src6;
	/* Established flows of a draining backend move after this long; 0 = never. */
	uint32_t drain_timeout_s;
	struct conf_health health;
	size_t n_backends;
	struct conf_backend *backends;
	struct conf_pos pos;
};

/* The flow table (section `flows`). */
struct conf_flows {
	uint32_t size;			/* entries; fixed when sluice attaches */
	uint32_t udp_idle_timeout_s;	/* 0 = UDP flows never expire */
	uint32_t new_flow_guard;	/* inserts per second, whole node; 0 = off */
	struct conf_pos size_pos;	/* where size was given; 0:0 when it was not */
};

#define CONF_FLOWS_UDP_IDLE_DEFAULT	60
#define CONF_FLOWS_GUARD_DEFAULT	100000

/*
 * MACs besides the interface's own whose unicast frames are the node's
 * (settings.macs): a VRRP virtual MAC, a MAC the fleet's routers are given.
 * With the interface's own, SLUICE_MACS in the data plane.
 */
#define CONF_MACS_MAX	7

struct conf_mac {
	uint8_t addr[6];
	struct conf_pos pos;
};

/* A TCP address to listen on (conf/listen.h reads and prints them). */
struct conf_listen {
	struct conf_addr addr;	/* the unspecified address listens on every one */
	uint16_t port;		/* 1..65535 */
};

/* The metrics server of the daemon (section `metrics`). */
struct conf_metrics {
	bool listen_set;	/* no `listen`: no server */
	struct conf_listen listen;
};

#define CONF_DIGEST_LEN	65	/* SHA-256 in hex, NUL included */

/*
 * Routes `sluice run` keeps for the VIPs that should attract traffic (section
 * `announce`), for a BGP daemon to export: one host route per VIP, in `table`,
 * marked with route protocol number `protocol`.
 */
#define CONF_ANNOUNCE_DRAIN_DEFAULT	5	/* seconds */
#define CONF_ANNOUNCE_DRAIN_MAX		600

struct conf_announce {
	bool set;		/* no section: sluice touches no route */
	uint32_t table;		/* 1..2^32-1, not the kernel's 253, 254, 255 */
	uint32_t protocol;	/* 1..255, none the kernel or another daemon uses */
	uint32_t drain_s;	/* a graceful stop forwards this long after withdrawing */
};

/* A file a config was read from, or an include's glob that may match more later. */
struct conf_source {
	char *path;		/* as opened: relative to the working directory or absolute */
	bool glob;
};

struct conf {
	char sha256[CONF_DIGEST_LEN];	/* of the source text, for the change log */
	size_t n_sources;
	struct conf_source *sources;	/* what `sluice run` watches to reload */
	enum conf_malformed malformed;
	enum conf_tamper tamper;
	size_t n_macs;
	struct conf_mac macs[CONF_MACS_MAX];
	struct conf_metrics metrics;
	struct conf_announce announce;
	struct conf_flows flows;
	struct conf_filter filter;
	size_t n_services;
	struct conf_service *services;
};

/*
 * Parse and validate a whole file. On failure returns -1, leaves *cfg empty and
 * writes "FILE:LINE:COL: message" into err (err_len bytes, NUL-terminated).
 * The path "-" reads standard input, named CONF_STDIN_NAME in messages.
 */
int conf_load_file(const char *path, struct conf *cfg, char *err, size_t err_len);

/* Same for an in-memory document; `name` stands for the file in messages. */
int conf_load_buffer(const char *name, const char *buf, size_t len, struct conf *cfg,
		     char *err, size_t err_len);

void conf_free(struct conf *cfg);

/* How messages name the file at path: itself, or CONF_STDIN_NAME for "-". */
const char *conf_source_name(const char *path);

/* Remember path (copied) among cfg's sources; -1 when out of memory. */
int conf_add_source(struct conf *cfg, const char *path, bool glob);

/* Backends of every service together: the file order in which callers index them. */
size_t conf_backend_count(const struct conf *cfg);

#endif /* SLUICE_CONF_CONFIG_H */
