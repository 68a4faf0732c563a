/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Rate-limit rules: the generic cell rate algorithm (GCRA), a token bucket kept as
 * one timestamp, the theoretical arrival time (TAT) of the next conforming packet.
 * A packet conforms when TAT is at most `tolerance` ahead of now, and then pushes
 * TAT one interval further. One 64-bit word per bucket means a compare-and-swap
 * keeps CPUs from spending the same token twice, in array and LRU maps alike.
 */
#ifndef SLUICE_XDP_RATELIMIT_H
#define SLUICE_XDP_RATELIMIT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/maps.h"
#include "xdp/parse.h"

/* Losing the swap this often means other CPUs are taking the tokens anyway. */
#define LIMIT_SWAP_TRIES	4

static __always_inline int limit_take(__u64 *tat_cell, __u64 now, const struct sluice_limit *l)
{
	int i;

	for (i = 0; i < LIMIT_SWAP_TRIES; i++) {
		__u64 old = *(volatile __u64 *)tat_cell;
		__u64 tat = old > now ? old : now;

		if (tat - now > l->tolerance_ns)
			return 0;
		if (__sync_val_compare_and_swap(tat_cell, old, tat + l->interval_ns) == old)
			return 1;
	}
	return 0;
}

/*
 * Non-zero when the packet fits the rate of the rule with this counter, as the
 * filter slot that judged it sets it.
 */
static __always_inline int limit_conforms(__u32 counter, __u32 slot,
					  const struct parsed_pkt *pkt)
{
	struct sluice_limit_key key = { .counter = counter };
	__u32 index = SLUICE_LIMIT_INDEX(slot, counter);
	const struct sluice_limit *l;
	__u64 now, *tat;

	l = bpf_map_lookup_elem(&rule_limits, &index);
	if (!l)
		return 1;
	now = bpf_ktime_get_ns();
	if (!l->per_source) {
		tat = bpf_map_lookup_elem(&rule_buckets, &counter);
		return tat ? limit_take(tat, now, l) : 1;
	}
	__builtin_memcpy(key.src, pkt->tuple.src, sizeof(key.src));
	tat = bpf_map_lookup_elem(&limit_sources, &key);
	if (!tat) {
		/* A new source starts with a full bucket, less this packet. */
		__u64 first = now + l->interval_ns;

		bpf_map_update_elem(&limit_sources, &key, &first, BPF_NOEXIST);
		return 1;
	}
	return limit_take(tat, now, l);
}

#endif /* SLUICE_XDP_RATELIMIT_H */
