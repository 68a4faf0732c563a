/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 0: is the frame this node's at all? A unicast frame reaches us addressed to
 * another host's MAC when a switch floods it (its destination unknown or aged out,
 * as when a node of a fleet goes down) or when the port is promiscuous (a bridge,
 * tcpdump, macvlan, a mirror port). Filtering or forwarding it would duplicate
 * another host's traffic, so it goes to the kernel untouched, which drops it or
 * bridges it as it would without us. Broadcast and multicast frames go on as before.
 *
 * The MACs that are ours sit in the settings value (abi.h): the interface's first,
 * then those the config lists, written by the control plane, never looked up here.
 */
#ifndef SLUICE_XDP_OWN_MAC_H
#define SLUICE_XDP_OWN_MAC_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/maps.h"
#include "xdp/parse.h"
#include "xdp/root.h"

/* The frame's destination (at least 6 bytes long) is m: two loads of each side. */
static __always_inline int own_mac_is(const __u8 *dst, const struct sluice_mac *m)
{
	return *(const __u32 *)dst == *(const __u32 *)m->addr &&
	       *(const __u16 *)(dst + 4) == *(const __u16 *)(m->addr + 4);
}

/*
 * 1 when the frame is addressed to us or to a group, or too short to tell (parsing
 * then calls it malformed); 0 when it is another host's unicast. Our own MAC, the
 * usual answer, is compared first; the listed ones only for frames that missed it.
 */
static __always_inline int own_mac_frame_is_ours(struct xdp_md *ctx, __u32 root)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct sluice_settings *set;
	const struct eth_hdr *eth = data;
	__u32 i;

	if ((void *)(eth + 1) > data_end)
		return 1;
	/* The I/G bit, the first on the wire: broadcast and multicast. */
	if (eth->dst[0] & 1)
		return 1;
	set = root_settings(root);
	if (!set)
		return 1;
	for (i = 0; i < SLUICE_MACS && i < set->n_macs; i++)
		if (own_mac_is(eth->dst, &set->macs[i]))
			return 1;
	return 0;
}

/*
 * Our MAC, the source of every frame sent back out of the receiving port: set by the
 * control plane before the first frame was ours, so never missing in practice.
 */
static __always_inline const struct sluice_mac *own_mac(__u32 root)
{
	const struct sluice_settings *set = root_settings(root);

	return set ? &set->macs[0] : 0;
}

#endif /* SLUICE_XDP_OWN_MAC_H */
