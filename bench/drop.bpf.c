// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Baseline: the cheapest XDP program there is. Every other figure is set against it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
