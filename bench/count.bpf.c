// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Attached to the generator's side of the veth: counts the frames that the program
 * under test sent back (XDP_TX) and drops them, so forwarding is measured at the
 * far end rather than assumed. Its presence is also what makes the veth deliver
 * those frames at all.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bench/counter.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_counter);
} returned SEC(".maps");

SEC("xdp")
int bench_count(struct xdp_md *ctx)
{
	struct bench_counter *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&returned, &zero);
	if (c) {
		c->packets++;
		c->bytes += ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
