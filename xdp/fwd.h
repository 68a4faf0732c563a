/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 4, forwarding.
 *
 * l2dsr: the backend holds the VIP on its loopback and answers the client itself,
 * so only the Ethernet destination changes, to the backend's MAC. The old
 * destination becomes the source: it was our own MAC, since the client (or its
 * router) sent the frame to us, and reusing it spares a per-packet lookup of the
 * interface address. VLAN tags and the IP packet are left as they are, and the frame
 * leaves by the port it came in on.
 */
#ifndef SLUICE_XDP_FWD_H
#define SLUICE_XDP_FWD_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/parse.h"

static __always_inline int fwd_l2dsr(struct xdp_md *ctx, const struct sluice_backend *be)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_hdr *eth = data;

	/* Parsing proved it already, but the verifier needs to see it here. */
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	/* A MAC as one 4-byte and one 2-byte word: 4 loads and 4 stores in all. */
	*(__u32 *)eth->src = *(__u32 *)eth->dst;
	*(__u16 *)(eth->src + 4) = *(__u16 *)(eth->dst + 4);
	*(__u32 *)eth->dst = *(const __u32 *)be->mac;
	*(__u16 *)(eth->dst + 4) = *(const __u16 *)(be->mac + 4);
	return XDP_TX;
}

#endif /* SLUICE_XDP_FWD_H */
