// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Hands every frame to the kernel stack. A veth delivers frames that its peer sent
 * with XDP_TX or XDP_REDIRECT only when an XDP program is attached on the receiving
 * side, so the lab attaches this one there.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
