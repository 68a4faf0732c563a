/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 3, load balancing: is the packet for a VIP, and which backend gets it.
 *
 * An established flow keeps its backend through table changes: the flow table is
 * asked first, and only a new (or stale, or expired) flow goes through the
 * service's Maglev table. A flow is stale when its backend slot was freed or handed
 * to another backend since (the generation differs). It has expired when its
 * backend is draining past its deadline, or when it is UDP and idle longer than
 * settings.udp_idle_ns; TCP flows never expire by time, they leave the table only
 * as the LRU's least recently used.
 *
 * The hit path pays for a clock only where time matters: draining backends and UDP.
 * Settings are read on the hit path for UDP only, and otherwise only by misses.
 *
 * New-flow guard: a flood of new flows (spoofed SYNs, UDP from random sources) must
 * not push established flows out of the LRU. Each CPU records at most
 * settings.new_flows_per_cpu flows per second; over that, a TCP SYN or a UDP
 * packet still goes to its Maglev backend but is not recorded, and a TCP packet
 * without SYN (a completed handshake: a spoofed source never gets that far) is
 * recorded anyway.
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
#include "xdp/root.h"
#include "xdp/stats.h"

#define LB_TCP_SYN		0x02		/* in the TCP flags byte (parsed_pkt.detail) */
#define LB_SEEN_REFRESH_NS	1000000000LL	/* a UDP flow's seen_ns is this coarse */
#define LB_GUARD_WINDOW_NS	1000000000LL	/* the new-flow guard counts per second */

static __always_inline const struct sluice_service *
lb_find_service(const struct parsed_pkt *pkt)
{
	const struct sluice_settings *set;
	const struct sluice_service *svc;
	struct sluice_vip_key key = {};

	if (pkt->tuple.proto != IPPROTO_TCP && pkt->tuple.proto != IPPROTO_UDP)
		return NULL;
	__builtin_memcpy(key.addr, pkt->tuple.dst, sizeof(key.addr));
	key.proto = pkt->tuple.proto;
	key.family = pkt->tuple.family | (pkt->root & SLUICE_ROOT_GEN);
	if (!pkt->is_fragment) {
		key.port = pkt->tuple.dport;
		svc = bpf_map_lookup_elem(&services, &key);
		if (svc)
			return svc;
	}
	set = root_settings(pkt->root);
	if (!set || !set->have_any_port_vips)
		return NULL;
	key.port = 0;
	return bpf_map_lookup_elem(&services, &key);
}

/* A draining backend's flows move once its deadline (if it has one) is past. */
static __always_inline int lb_drain_over(const struct sluice_backend *be)
{
	return be->drain_deadline_ns && bpf_ktime_get_ns() > be->drain_deadline_ns;
}

/*
 * A UDP flow's idle check, and its seen time refreshed at most once a second so
 * that a busy flow does not write its entry on every packet. Differences are
 * signed: another CPU may have just stored a time a tick newer than our now.
 */
static __always_inline int lb_udp_idle(struct sluice_flow *flow, __u32 root)
{
	const struct sluice_settings *set = root_settings(root);
	__u64 now = bpf_ktime_get_coarse_ns();
	__s64 idle = now - flow->seen_ns;

	if (set && set->udp_idle_ns && idle > (__s64)set->udp_idle_ns)
		return 1;
	if (idle >= LB_SEEN_REFRESH_NS)
		flow->seen_ns = now;
	return 0;
}

static __always_inline const struct sluice_backend *
lb_flow_backend(const struct parsed_pkt *pkt, __u32 *id)
{
	const struct sluice_backend *be;
	struct sluice_flow *flow;

	flow = bpf_map_lookup_elem(&flows, &pkt->tuple);
	if (!flow)
		return NULL;
	*id = flow->backend_id;
	be = root_backend(pkt->root, *id);
	if (!be || !(be->flags & SLUICE_BACKEND_F_LIVE) || be->gen != flow->backend_gen) {
		stats_add(&stats, SLUICE_STAT_FLOW_STALE, pkt->len);
		return NULL;
	}
	if (((be->flags & SLUICE_BACKEND_F_DRAINING) && lb_drain_over(be)) ||
	    (pkt->tuple.proto == IPPROTO_UDP && lb_udp_idle(flow, pkt->root))) {
		stats_add(&stats, SLUICE_STAT_FLOW_EXPIRED, pkt->len);
		return NULL;
	}
	return be;
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
	be = root_backend(pkt->root, *id);
	if (!be || !(be->flags & SLUICE_BACKEND_F_LIVE))
		return NULL;
	return be;
}

/* Every Maglev choice of a new TCP or UDP flow, recorded or not. */
static __always_inline void lb_count_new_flow(__u32 svc_id, __u32 backend_id)
{
	struct sluice_flow_counter *c;

	c = bpf_map_lookup_elem(&service_flows, &svc_id);
	if (c)
		c->new_flows++;
	c = bpf_map_lookup_elem(&backend_flows, &backend_id);
	if (c)
		c->new_flows++;
}

/* Whether this CPU may record one more flow in the current second. */
static __always_inline int lb_guard_allows(const struct parsed_pkt *pkt, __u32 limit, __u64 now)
{
	struct sluice_flow_guard *g;
	__u32 zero = 0;

	g = bpf_map_lookup_elem(&flow_guard, &zero);
	if (!g)
		return 1;
	/* Signed: a window stored ahead of the clock stands until the clock gets there. */
	if ((__s64)(now - g->window_ns) >= LB_GUARD_WINDOW_NS) {
		g->window_ns = now;
		g->inserts = 0;
	}
	if (g->inserts < limit) {
		g->inserts++;
		return 1;
	}
	return pkt->tuple.proto == IPPROTO_TCP && !(pkt->detail & LB_TCP_SYN);
}

static __always_inline void lb_record_flow(const struct parsed_pkt *pkt,
					   const struct sluice_backend *be, __u32 id)
{
	const struct sluice_settings *set;
	struct sluice_flow flow = {
		.backend_id = id,
		.backend_gen = be->gen,
	};
	__u64 now = 0;
	__u32 limit;

	set = root_settings(pkt->root);
	limit = set ? set->new_flows_per_cpu : 0;
	if (limit || pkt->tuple.proto == IPPROTO_UDP)
		now = bpf_ktime_get_coarse_ns();
	if (limit && !lb_guard_allows(pkt, limit, now)) {
		stats_add(&stats, SLUICE_STAT_FLOW_GUARD_SKIP, pkt->len);
		return;
	}
	if (pkt->tuple.proto == IPPROTO_UDP)
		flow.seen_ns = now;
	bpf_map_update_elem(&flows, &pkt->tuple, &flow, BPF_ANY);
}

/* The backend for this VIP packet and its id in *id, or NULL when there is none. */
static __always_inline const struct sluice_backend *
lb_pick_backend(const struct parsed_pkt *pkt, const struct sluice_service *svc, __u32 *id)
{
	const struct sluice_backend *be;

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
		lb_count_new_flow(svc->id, *id);
		lb_record_flow(pkt, be, *id);
	}
	return be;
}

#endif /* SLUICE_XDP_LB_H */
