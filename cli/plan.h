/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * An apply as a list of map writes, computed entirely before the first write.
 * Ordered so that packets only ever see consistent states: new backends and
 * tables are written while unreferenced, then services flip to them, and only
 * then are removed services and backends cleared.
 */
#ifndef SLUICE_CLI_PLAN_H
#define SLUICE_CLI_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "cli/live.h"
#include "cli/neigh.h"
#include "cli/maps.h"

enum op_kind {
	OP_UPDATE,	/* map[key] = value */
	OP_DELETE,	/* delete map[key] (absent is fine) */
	OP_INNER,	/* map[key] = new inner array of `entries` values from `value` */
	OP_INNER_KEYED,	/* map[key] = new inner map of type inner_type, inner_keys -> value */
};

struct op {
	enum op_kind kind;
	int map_fd;
	void *key;
	void *value;
	uint32_t key_len;
	uint32_t value_len;	/* whole buffer; per-CPU maps: one cell per CPU */
	uint32_t inner_value_size;
	uint32_t inner_entries;
	/* OP_INNER_KEYED only */
	uint32_t inner_type;	/* enum bpf_map_type */
	uint32_t inner_flags;
	uint32_t inner_key_size;
	void *inner_keys;	/* inner_entries keys, back to back */
};

struct plan {
	struct op *ops;
	size_t n_ops, cap_ops;
	char **notes;		/* what changes, for people; one line each */
	size_t n_notes, cap_notes;
};

/*
 * The operator's own session (from SSH_CONNECTION), which a deny default spares
 * while filter.exempt names `management`: packets from client to server.
 */
struct plan_session {
	__u8 family;		/* SLUICE_AF_INET or SLUICE_AF_INET6 */
	__u8 client[16], server[16];
	__u16 client_port, server_port;
};

/*
 * Compute the writes that turn `live` into `cfg`. paths[i] is the resolved path of
 * the i-th backend of cfg in file order (services, then their backends); session
 * may be NULL; if_mac is the interface's MAC as the kernel has it now. now_ns is CLOCK_MONOTONIC (bpf_ktime_get_ns()'s clock): a drain that
 * starts with this apply ends at now_ns + the service's drain timeout. Returns 0 or
 * -errno after printing why.
 */
int plan_build(struct plan *plan, const struct sluice_maps *maps,
	       const struct live_state *live, const struct conf *cfg,
	       const struct backend_path *paths, const struct plan_session *session,
	       const __u8 if_mac[6], __u64 now_ns);

/* Entries of the flow table cfg asks for (flows.size, or the default). */
__u32 plan_flow_entries(const struct conf *cfg);

/*
 * The flow table is sized when sluice attaches: refuse a cfg whose flows.size is not
 * the running table's. Returns 0, or -EINVAL after printing why; cfg_path names the
 * file in the message.
 */
int plan_check_flows(const struct live_state *live, const struct conf *cfg,
		     const char *cfg_path);

/* A configured rule as the data plane and rule_meta hold it (counter left 0). */
void plan_rule_of(const struct conf_rule *r, struct sluice_rule *out);

/* The implicit rule that spares the session: the session's own 5-tuple, allowed. */
void plan_session_rule(const struct plan_session *session, struct sluice_rule *out);

void plan_free(struct plan *plan);

#endif /* SLUICE_CLI_PLAN_H */
