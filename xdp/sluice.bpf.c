// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * sluice's data plane: parse -> filter -> load balance -> forward, one XDP program
 * with every stage inlined. See stats.h for how the counters add up.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/filter.h"
#include "xdp/fwd.h"
#include "xdp/lb.h"
#include "xdp/maps.h"
#include "xdp/parse.h"
#include "xdp/stats.h"

/* Never forward what could not be parsed; only passing or dropping is configurable. */
static __always_inline int malformed_verdict(void)
{
	const struct sluice_settings *set;
	__u32 zero = 0;

	set = bpf_map_lookup_elem(&settings, &zero);
	if (set && set->malformed_policy == SLUICE_MALFORMED_DROP)
		return XDP_DROP;
	return XDP_PASS;
}

SEC("xdp")
int sluice_xdp(struct xdp_md *ctx)
{
	const struct sluice_service *svc;
	const struct sluice_backend *be;
	struct parsed_pkt pkt = {};
	__u32 backend_id;
	int res;

	res = parse_packet(ctx, &pkt);
	stats_add(&stats, SLUICE_STAT_RX, pkt.len);
	if (res == PARSE_NON_IP) {
		stats_add(&stats, SLUICE_STAT_NON_IP, pkt.len);
		return XDP_PASS;
	}
	if (res == PARSE_MALFORMED) {
		stats_add(&stats, SLUICE_STAT_MALFORMED, pkt.len);
		return malformed_verdict();
	}
	if (pkt.is_fragment)
		stats_add(&stats, SLUICE_STAT_FRAGMENT, pkt.len);

	if (filter_packet(&pkt) == FILTER_DENY) {
		stats_add(&stats, SLUICE_STAT_FILTER_DROP, pkt.len);
		return XDP_DROP;
	}
	stats_add(&stats, SLUICE_STAT_FILTER_PASS, pkt.len);

	svc = lb_find_service(&pkt);
	/* A forwarding mode this program does not know (a newer control plane): hands off. */
	if (!svc || svc->forward != SLUICE_FWD_L2DSR) {
		stats_add(&stats, SLUICE_STAT_PASS, pkt.len);
		return XDP_PASS;
	}
	stats_add(&service_stats, svc->id, pkt.len);
	be = lb_pick_backend(&pkt, svc, &backend_id);
	if (!be) {
		stats_add(&stats, SLUICE_STAT_LB_NO_BACKEND, pkt.len);
		return XDP_DROP;
	}
	stats_add(&backend_stats, backend_id, pkt.len);
	stats_add(&stats, SLUICE_STAT_LB_FORWARD, pkt.len);
	return fwd_l2dsr(ctx, be);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
