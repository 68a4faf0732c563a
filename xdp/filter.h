/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 2, filter: the first rule of the active rule set that matches the packet
 * decides. The control plane ends every set with a catch-all default rule; with no
 * set installed, everything is allowed.
 *
 * Ports: a rule that constrains a port matches only packets that carry ports, that
 * is TCP and UDP including a first fragment (it holds the L4 header), but never a
 * later fragment nor ICMP. Matching first fragments by port keeps a deny rule from
 * being sidestepped by fragmenting: without its first fragment, a datagram never
 * reassembles.
 *
 * This is a linear walk, bounded for the verifier; its cost grows with the position
 * of the matching rule.
 */
#ifndef SLUICE_XDP_FILTER_H
#define SLUICE_XDP_FILTER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/maps.h"
#include "xdp/parse.h"
#include "xdp/stats.h"

enum filter_verdict {
	FILTER_ALLOW,
	FILTER_DENY,
};

/*
 * A packet's fields in the form the rules hold them, computed once per packet.
 * Ports appear twice: as compared with the low and with the high bound of a range.
 * A packet without ports takes 0 and 0xffff, which only the full range admits.
 */
struct filter_key {
	__u64 src[2];
	__u64 dst[2];
	__u32 sport_vs_lo;
	__u32 sport_vs_hi;
	__u32 dport_vs_lo;
	__u32 dport_vs_hi;
	__u32 family;
	__u32 proto;
};

static __always_inline __u64 filter_addr_diff(const __u64 *addr, const __be32 *value,
					      const __be32 *mask)
{
	const __u64 *v = __builtin_assume_aligned(value, 8);
	const __u64 *m = __builtin_assume_aligned(mask, 8);

	return ((addr[0] ^ v[0]) & m[0]) | ((addr[1] ^ v[1]) & m[1]);
}

/*
 * Non-zero when r does not match. Branch-free: the verifier walks every iteration
 * of the rule loop, and each branch in it would be one more state to keep.
 */
static __always_inline __u64 filter_rule_misses(const struct sluice_rule *r,
						const struct filter_key *k)
{
	/* A zero field is a wildcard: the product is non-zero only if both differ. */
	__u32 fields = r->family * (r->family ^ k->family) |
		       r->proto * (r->proto ^ k->proto);
	/* Bit 31 is set when a subtraction wraps, that is, a port is out of range. */
	__u32 ports = (k->sport_vs_lo - r->sport_lo) | (r->sport_hi - k->sport_vs_hi) |
		      (k->dport_vs_lo - r->dport_lo) | (r->dport_hi - k->dport_vs_hi);

	return fields | ports >> 31 | filter_addr_diff(k->src, r->src, r->src_mask) |
	       filter_addr_diff(k->dst, r->dst, r->dst_mask);
}

static __always_inline int filter_packet(const struct parsed_pkt *pkt)
{
	struct filter_key k;
	__u32 zero = 0, i;
	void *set;

	set = bpf_map_lookup_elem(&rule_sets, &zero);
	if (!set)
		return FILTER_ALLOW;
	__builtin_memcpy(k.src, pkt->tuple.src, sizeof(k.src));
	__builtin_memcpy(k.dst, pkt->tuple.dst, sizeof(k.dst));
	if (pkt->has_ports) {
		k.sport_vs_lo = k.sport_vs_hi = bpf_ntohs(pkt->tuple.sport);
		k.dport_vs_lo = k.dport_vs_hi = bpf_ntohs(pkt->tuple.dport);
	} else {
		k.sport_vs_lo = k.dport_vs_lo = 0;
		k.sport_vs_hi = k.dport_vs_hi = 0xffff;
	}
	k.family = pkt->tuple.family;
	k.proto = pkt->tuple.proto;

	/*
	 * The key is a copy: a counter that lives on the stack as 4 bytes is not
	 * tracked by the verifier, which would then see an endless loop.
	 */
	for (i = 0; i < SLUICE_MAX_RULES + 1; i++) {
		__u32 pos = i;
		const struct sluice_rule *r = bpf_map_lookup_elem(set, &pos);

		if (!r)
			break;
		if (filter_rule_misses(r, &k))
			continue;
		stats_add(&rule_stats, r->counter, pkt->len);
		return r->action == SLUICE_ACT_DENY ? FILTER_DENY : FILTER_ALLOW;
	}
	return FILTER_ALLOW;
}

#endif /* SLUICE_XDP_FILTER_H */
