/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The configuration a packet sees: the root (abi.h) is read once, when the packet
 * arrives, and carried with it (parsed_pkt.root), so that every stage of one packet
 * reads one generation even when an apply flips the root while it is on its way.
 */
#ifndef SLUICE_XDP_ROOT_H
#define SLUICE_XDP_ROOT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/maps.h"

static __always_inline __u32 root_now(void)
{
	return *(volatile __u32 *)&config_root;
}

static __always_inline const struct sluice_settings *root_settings(__u32 root)
{
	__u32 gen = SLUICE_ROOT_GEN_OF(root);

	return bpf_map_lookup_elem(&settings, &gen);
}

/* Backend id of root's generation; an id past the id space is none, not the other's. */
static __always_inline const struct sluice_backend *root_backend(__u32 root, __u32 id)
{
	__u32 index = SLUICE_BACKEND_INDEX(SLUICE_ROOT_GEN_OF(root), id);

	if (id >= SLUICE_MAX_BACKENDS)
		return NULL;
	return bpf_map_lookup_elem(&backends, &index);
}

#endif /* SLUICE_XDP_ROOT_H */
