// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * sluice's data plane: ours? -> parse -> filter -> load balance -> forward, one XDP
 * program with every stage inlined. See stats.h for how the counters add up, and
 * why RX and FILTER_PASS are never written here.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/filter.h"
#include "xdp/filter_answer.h"
#include "xdp/fwd.h"
#include "xdp/icmp_err.h"
#include "xdp/lb.h"
#include "xdp/maps.h"
#include "xdp/monitor.h"
#include "xdp/own_mac.h"
#include "xdp/parse.h"
#include "xdp/root.h"
#include "xdp/stats.h"

/* Never forward what could not be parsed; only passing or dropping is configurable. */
static __always_inline int malformed_verdict(__u32 root)
{
	const struct sluice_settings *set = root_settings(root);

	if (set && set->malformed_policy == SLUICE_MALFORMED_DROP)
		return XDP_DROP;
	return XDP_PASS;
}

/*
 * pkt to backend_id of svc; flow is the connection it belongs to (fwd.h), another
 * when pkt is an ICMP error about it. Counted by what became of it.
 */
static __always_inline int forward(struct xdp_md *ctx, const struct parsed_pkt *pkt,
				   const struct parsed_pkt *flow, int is_error,
				   const struct sluice_service *svc,
				   const struct sluice_backend *be, __u32 backend_id)
{
	__u32 stat;
	int verdict;

	verdict = fwd_packet(ctx, pkt, flow, is_error, svc, be, backend_id, &stat);
	stats_add(&stats, stat, pkt->len);
	if (stat == SLUICE_STAT_LB_FORWARD) {
		stats_add(&backend_stats, backend_id, pkt->len);
		if (is_error)
			stats_add(&stats, SLUICE_STAT_ICMP_TO_BACKEND, pkt->len);
	}
	monitor_verdict(ctx, pkt, verdict, stat, svc->id, backend_id);
	return verdict;
}

/*
 * What passed the filter: to its service's backend, to the backend of the flow an
 * ICMP error is about, or on to the kernel; svc is pkt's service, if it has one.
 * A function of its own, so that its stack frame and the filter's are never added
 * up.
 */
static __noinline int balance(struct xdp_md *ctx, const struct parsed_pkt *pkt,
			      const struct sluice_service *svc)
{
	const struct sluice_backend *be;
	const struct parsed_pkt *flow = pkt;
	struct parsed_pkt error_flow;
	int is_error = 0;
	__u32 backend_id;

	if (svc) {
		/* A forwarding mode this program does not know (a newer control plane): hands off. */
		if (!fwd_mode_known(svc))
			goto pass;
		stats_add(&service_stats, svc->id, pkt->len);
		be = lb_pick_backend(pkt, svc, &backend_id);
		if (!be) {
			stats_add(&stats, SLUICE_STAT_LB_NO_BACKEND, pkt->len);
			monitor_verdict(ctx, pkt, XDP_DROP, SLUICE_STAT_LB_NO_BACKEND, svc->id, 0);
			return XDP_DROP;
		}
	} else {
		/* An ICMP error about a VIP flow goes where that flow goes, if anywhere. */
		if (!icmp_err_flow(ctx, pkt, &error_flow))
			goto pass;
		svc = lb_find_service(&error_flow);
		if (!svc || !fwd_mode_known(svc))
			goto pass;
		be = icmp_err_backend(&error_flow, svc, &backend_id);
		if (!be)
			goto pass;
		stats_add(&service_stats, svc->id, pkt->len);
		flow = &error_flow;
		is_error = 1;
	}
	return forward(ctx, pkt, flow, is_error, svc, be, backend_id);
pass:
	stats_add(&stats, SLUICE_STAT_PASS, pkt->len);
	monitor_verdict(ctx, pkt, XDP_PASS, SLUICE_STAT_PASS, SLUICE_MONITOR_NONE, 0);
	return XDP_PASS;
}

SEC("xdp")
int sluice_xdp(struct xdp_md *ctx)
{
	const struct sluice_service *svc = NULL;
	struct parsed_pkt pkt = {};
	__u32 root = root_now(), answer;
	int res, verdict, looked_up = 0;

	pkt.root = root;
	if (!own_mac_frame_is_ours(ctx, root)) {
		__u32 len = ctx->data_end - ctx->data;

		stats_add(&stats, SLUICE_STAT_OTHER_HOST, len);
		monitor_verdict(ctx, &pkt, XDP_PASS, SLUICE_STAT_OTHER_HOST, SLUICE_MONITOR_NONE, 0);
		return XDP_PASS;
	}
	res = parse_packet(ctx, &pkt);
	if (res == PARSE_NON_IP) {
		stats_add(&stats, SLUICE_STAT_NON_IP, pkt.len);
		monitor_verdict(ctx, &pkt, XDP_PASS, SLUICE_STAT_NON_IP, SLUICE_MONITOR_NONE, 0);
		return XDP_PASS;
	}
	if (res == PARSE_MALFORMED) {
		stats_add(&stats, SLUICE_STAT_MALFORMED, pkt.len);
		verdict = malformed_verdict(root);
		monitor_verdict(ctx, &pkt, verdict, SLUICE_STAT_MALFORMED, SLUICE_MONITOR_NONE, 0);
		return verdict;
	}
	if (pkt.is_fragment)
		stats_add(&stats, SLUICE_STAT_FRAGMENT, pkt.len);

	answer = filter_answer(&pkt, &svc, &looked_up);
	if (answer) {
		/* Counted by the rule that decides every packet of the service. */
		stats_add(&rule_stats, answer - 1, pkt.len);
	} else {
		res = filter_packet(&pkt);
		if (res & FILTER_VERDICT_MASK) {
			stats_add(&stats, SLUICE_STAT_FILTER_DROP, pkt.len);
			monitor_verdict(ctx, &pkt, XDP_DROP,
					(res & FILTER_VERDICT_MASK) == FILTER_LIMITED ?
					SLUICE_STAT_RATE_LIMITED : SLUICE_STAT_FILTER_DROP,
					(__u32)res >> FILTER_VERDICT_BITS, 0);
			return XDP_DROP;
		}
	}
	if (!looked_up)
		svc = lb_find_service(&pkt);
	/* One call: balance is verified once per place it is called from. */
	return balance(ctx, &pkt, svc);
}

/* The map layout this object is built for: `sluice upgrade` reads it before loading. */
const volatile __u32 sluice_layout_version = SLUICE_LAYOUT_VERSION;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
