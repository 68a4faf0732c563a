/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `sluice monitor`: at its verdict, a packet is copied into `monitor_events` with
 * what became of it and why, while someone listens.
 *
 * Nobody listening costs one load and one branch at the packet's one verdict exit:
 * monitor_verdict reads the gate (a global: no lookup, no null check) and calls
 * monitor_sample only when it is set. monitor_sample is a global function, so it is
 * in the program once and verified once on its own, however many exits call it.
 * Each CPU samples at most the gate's rate per second (a one-second window, as the
 * new-flow guard keeps); what is over it is only counted, so that a flood costs the
 * listener a bounded share of each CPU.
 */
#ifndef SLUICE_XDP_MONITOR_H
#define SLUICE_XDP_MONITOR_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/maps.h"
#include "xdp/parse.h"

#define MONITOR_WINDOW_NS	1000000000LL

/* Reasons that name a rule (the id is its counter); every other names a service, or none. */
static __always_inline int monitor_reason_is_rule(__u32 reason)
{
	return reason == SLUICE_STAT_FILTER_DROP || reason == SLUICE_STAT_RATE_LIMITED;
}

/* Whether this CPU may take one more sample in the current second. */
static __always_inline int monitor_take(__u32 rate)
{
	struct sluice_monitor_budget *b;
	__u32 zero = 0;
	__u64 now;

	b = bpf_map_lookup_elem(&monitor_budget, &zero);
	if (!b)
		return 0;
	now = bpf_ktime_get_coarse_ns();
	/* Signed: a window stored ahead of the clock stands until the clock gets there. */
	if ((__s64)(now - b->window_ns) >= MONITOR_WINDOW_NS) {
		b->window_ns = now;
		b->taken = 0;
	}
	if (b->taken >= rate) {
		b->suppressed++;
		return 0;
	}
	b->taken++;
	return 1;
}

/*
 * what: the XDP verdict in the low 8 bits, the enum sluice_stat that counted the
 * packet above; id: a rule counter or a service id, as the reason says.
 */
__noinline int monitor_sample(struct xdp_md *ctx, const struct parsed_pkt *pkt, __u32 what,
			      __u32 id, __u32 backend)
{
	__u32 gate = monitor_gate, verdict = what & 0xff, reason = what >> 8, cap;
	struct sluice_monitor_event *ev;
	struct sluice_monitor_budget *b;
	__u32 zero = 0;

	/* A global function's pointer arguments may be NULL, says the verifier. */
	if (!pkt)
		return 0;
	if ((gate & SLUICE_MONITOR_DROPS_ONLY) && verdict != XDP_DROP)
		return 0;
	if (!monitor_take(gate & SLUICE_MONITOR_RATE_MASK))
		return 0;
	ev = bpf_ringbuf_reserve(&monitor_events, sizeof(*ev), 0);
	if (!ev) {
		b = bpf_map_lookup_elem(&monitor_budget, &zero);
		if (b)
			b->lost++;
		return 0;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->tuple = pkt->tuple;
	ev->frame_len = ctx->data_end - ctx->data;
	cap = ev->frame_len < SLUICE_MONITOR_SNAP ? ev->frame_len : SLUICE_MONITOR_SNAP;
	if (cap && bpf_xdp_load_bytes(ctx, 0, ev->frame, cap))
		cap = 0;
	ev->cap_len = cap;
	ev->verdict = verdict;
	ev->reason = reason;
	ev->rule = monitor_reason_is_rule(reason) ? id : SLUICE_MONITOR_NONE;
	ev->service = monitor_reason_is_rule(reason) ? SLUICE_MONITOR_NONE : id;
	ev->backend = backend;
	ev->pad = 0;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

/* At every verdict exit, once: the packet, what became of it, and why. */
static __always_inline void monitor_verdict(struct xdp_md *ctx, const struct parsed_pkt *pkt,
					    __u32 verdict, __u32 reason, __u32 id,
					    __u32 backend)
{
	if (__builtin_expect(monitor_gate != 0, 0))
		monitor_sample(ctx, pkt, verdict | reason << 8, id, backend);
}

#endif /* SLUICE_XDP_MONITOR_H */
