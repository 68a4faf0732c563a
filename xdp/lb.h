/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 3, load balancing: is the packet for a VIP, and which backend gets it.
 *
 * An established flow keeps its backend through table changes: the flow table is
 * asked first, and only a new (or stale) flow goes through the service's Maglev
 * table. A flow is stale when its backend slot was freed or handed to another
 * backend since (the generation differs).
 *
 * Fragments: a later fragment has no ports, so it cannot name a port-specific
 * service. Every fragment of a datagram, first or not, is therefore treated alike:
 * only an any-port (port 0) service takes fragments, they are hashed without ports,
 * and they neither read nor write the flow table. Fragments for a port-specific
 * VIP go whole to the kernel stack.
 */
#ifndef SLUICE_XDP_LB_H
#define SLUICE_XDP_LB_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/hash.h"
#include "xdp/maps.h"
#include "xdp/parse.h"
#include "xdp/stats.h"

static __always_inline const struct sluice_service *
lb_find_service(const struct parsed_pkt *pkt)
{
	const struct sluice_settings *set;
	const struct sluice_service *svc;
	struct sluice_vip_key key = {};
	__u32 zero = 0;

	if (pkt->tuple.proto != IPPROTO_TCP && pkt->tuple.proto != IPPROTO_UDP)
		return NULL;
	__builtin_memcpy(key.addr, pkt->tuple.dst, sizeof(key.addr));
	key.proto = pkt->tuple.proto;
	key.family = pkt->tuple.family;
	if (!pkt->is_fragment) {
		key.port = pkt->tuple.dport;
		svc = bpf_map_lookup_elem(&services, &key);
		if (svc)
			return svc;
	}
	set = bpf_map_lookup_elem(&settings, &zero);
	if (!set || !set->have_any_port_vips)
		return NULL;
	key.port = 0;
	return bpf_map_lookup_elem(&services, &key);
}

static __always_inline const struct sluice_backend *
lb_flow_backend(const struct parsed_pkt *pkt, __u32 *id)
{
	const struct sluice_backend *be;
	const struct sluice_flow *flow;

	flow = bpf_map_lookup_elem(&flows, &pkt->tuple);
	if (!flow)
		return NULL;
	*id = flow->backend_id;
	be = bpf_map_lookup_elem(&backends, id);
	if (be && (be->flags & SLUICE_BACKEND_F_LIVE) && be->gen == flow->backend_gen)
		return be;
	stats_add(&stats, SLUICE_STAT_FLOW_STALE, pkt->len);
	return NULL;
}

static __always_inline const struct sluice_backend *
lb_maglev_backend(const struct parsed_pkt *pkt, const struct sluice_service *svc, __u32 *id)
{
	const struct sluice_backend *be;
	const __u32 *entry;
	void *table;
	__u32 slot;

	table = bpf_map_lookup_elem(&maglev_tables, &svc->table_slot);
	if (!table)
		return NULL;
	/* Multiply-shift maps the hash onto 0..M-1 without a division. */
	slot = ((__u64)flow_hash(&pkt->tuple, !pkt->is_fragment) * svc->table_size) >> 32;
	entry = bpf_map_lookup_elem(table, &slot);
	if (!entry || !*entry)
		return NULL;
	*id = *entry;
	be = bpf_map_lookup_elem(&backends, id);
	if (!be || !(be->flags & SLUICE_BACKEND_F_LIVE))
		return NULL;
	return be;
}

/* The backend for this VIP packet and its id in *id, or NULL when there is none. */
static __always_inline const struct sluice_backend *
lb_pick_backend(const struct parsed_pkt *pkt, const struct sluice_service *svc, __u32 *id)
{
	const struct sluice_backend *be;
	struct sluice_flow flow;

	if (!pkt->is_fragment) {
		be = lb_flow_backend(pkt, id);
		if (be) {
			stats_add(&stats, SLUICE_STAT_FLOW_HIT, pkt->len);
			return be;
		}
		stats_add(&stats, SLUICE_STAT_FLOW_MISS, pkt->len);
	}
	be = lb_maglev_backend(pkt, svc, id);
	if (be && !pkt->is_fragment) {
		flow.backend_id = *id;
		flow.backend_gen = be->gen;
		bpf_map_update_elem(&flows, &pkt->tuple, &flow, BPF_ANY);
	}
	return be;
}

#endif /* SLUICE_XDP_LB_H */
