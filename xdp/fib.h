/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ipip's next hop, from the kernel's FIB: asked with the outer header sluice is
 * about to write, as if the receiving interface forwarded it. The kernel then
 * applies routes, policy rules and ECMP (hashing the outer source, which varies by
 * flow), checks the packet against the egress MTU (tot_len) and fills the
 * neighbour's MAC. The receiving interface must have forwarding enabled
 * (net.ipv4.conf.IF.forwarding, net.ipv6.conf.IF.forwarding), or every lookup fails.
 */
#ifndef SLUICE_XDP_FIB_H
#define SLUICE_XDP_FIB_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"

/* Address families as the FIB helper takes them (AF_INET, AF_INET6). */
#define FIB_AF_INET	2
#define FIB_AF_INET6	10

static __always_inline long fib_lookup4(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
					__be32 src, __be32 dst, __u8 tos, __u16 tot_len)
{
	fib->family = FIB_AF_INET;
	fib->l4_protocol = IPPROTO_IPIP;
	fib->tos = tos;
	fib->tot_len = tot_len;
	fib->ifindex = ctx->ingress_ifindex;
	fib->ipv4_src = src;
	fib->ipv4_dst = dst;
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/*
 * fib->ipv6_src already holds the source; dst: 16 bytes; flowinfo: traffic class
 * and flow label, which ECMP may hash.
 */
static __always_inline long fib_lookup6(struct xdp_md *ctx, struct bpf_fib_lookup *fib,
					const __be32 *dst, __be32 flowinfo, __u8 nexthdr,
					__u16 tot_len)
{
	fib->family = FIB_AF_INET6;
	fib->l4_protocol = nexthdr;
	fib->flowinfo = flowinfo;
	fib->tot_len = tot_len;
	fib->ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(fib->ipv6_dst, dst, 16);
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/* The counter of a lookup that found no way to the backend (not FRAG_NEEDED). */
static __always_inline __u32 fib_failure_stat(long rc)
{
	return rc == BPF_FIB_LKUP_RET_NO_NEIGH ? SLUICE_STAT_LB_NO_NEIGH : SLUICE_STAT_LB_NO_ROUTE;
}

#endif /* SLUICE_XDP_FIB_H */
