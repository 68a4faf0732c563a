/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * An apply as a list of map writes, computed entirely before the first write.
 * Ordered so that packets only ever see consistent states: new backends and
 * tables are written while unreferenced, then services flip to them, and only
 * then are removed services and backends cleared.
 */
#ifndef SLUICE_PLAN_PLAN_H
#define SLUICE_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "kernel/live.h"
#include "kernel/neigh.h"
#include "kernel/maps.h"
#include "kernel/map_writes.h"

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

/*
 * Bring health_peers to the endpoints cfg health-checks (pass the file's config,
 * whatever health took out of the running one). Appends to plan.
 */
int plan_health_peers(struct plan *plan, const struct sluice_maps *maps,
		      const struct live_state *live, const struct conf *cfg);

/* Entries of the flow table cfg asks for (flows.size, or the default). */
__u32 plan_flow_entries(const struct conf *cfg);

/*
 * The flow table is sized when sluice attaches: refuse a cfg whose flows.size is not
 * the running table's. Returns 0, or -EINVAL after printing why; cfg_path names the
 * file in the message.
 */
int plan_check_flows(const struct live_state *live, const struct conf *cfg,
		     const char *cfg_path);

/* The key a service is known by in the data plane (its VIP, port and protocol). */
void plan_vip_key(const struct conf_service *svc, struct sluice_vip_key *key);

/* A configured rule as the data plane and rule_meta hold it (counter left 0). */
void plan_rule_of(const struct conf_rule *r, struct sluice_rule *out);

/* The implicit rule that spares the session: the session's own 5-tuple, allowed. */
void plan_session_rule(const struct plan_session *session, struct sluice_rule *out);

void plan_free(struct plan *plan);

#endif /* SLUICE_PLAN_PLAN_H */
