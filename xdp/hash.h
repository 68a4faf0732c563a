/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The flow hash that picks a Maglev slot. The seed is fixed: every sluice node must
 * send a flow to the same slot, so that routers may spread a VIP's traffic over
 * several nodes with ECMP and any of them picks the same backend.
 *
 * Each 64-bit word is xored in, multiplied by an odd constant (which carries every
 * input bit into the high bits) and folded (which brings the high bits back down).
 * The slot is taken from the top bits of the result, so a final multiply spreads
 * every input bit there. Words are the wire bytes as loaded by a little-endian CPU.
 */
#ifndef SLUICE_XDP_HASH_H
#define SLUICE_XDP_HASH_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"

#define FLOW_HASH_SEED		0x736c75696365ULL	/* "sluice" */
#define FLOW_HASH_MUL		0x9e3779b97f4a7c15ULL	/* 2^64 / golden ratio, odd */
#define FLOW_HASH_FINAL_MUL	0xff51afd7ed558ccdULL

static __always_inline __u64 flow_hash_mix(__u64 h, __u64 word)
{
	h = (h ^ word) * FLOW_HASH_MUL;
	return h ^ (h >> 32);
}

/*
 * t must be 8-byte aligned. Fragments are hashed without ports (with_ports = 0) so
 * that every fragment of a datagram, with or without the L4 header, lands alike.
 */
static __always_inline __u32 flow_hash(const struct sluice_flow_key *t, int with_ports)
{
	__u64 h = FLOW_HASH_SEED;
	__u64 last = t->proto;

	if (t->family == SLUICE_AF_INET) {
		h = flow_hash_mix(h, (__u64)t->src[0] << 32 | t->dst[0]);
	} else {
		__u64 a[4];

		__builtin_memcpy(a, __builtin_assume_aligned(t, 8), sizeof(a));
		h = flow_hash_mix(h, a[0]);
		h = flow_hash_mix(h, a[1]);
		h = flow_hash_mix(h, a[2]);
		h = flow_hash_mix(h, a[3]);
	}
	if (with_ports)
		last |= ((__u64)t->sport << 16 | t->dport) << 8;
	h = flow_hash_mix(h, last) * FLOW_HASH_FINAL_MUL;
	return h >> 32;
}

#endif /* SLUICE_XDP_HASH_H */
