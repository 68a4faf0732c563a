/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ipip's next-hop cache. A FIB lookup costs more than the rest of forwarding an
 * established flow's packet, and its answer for one backend changes only with a
 * route or a neighbour. So each CPU keeps, per backend, what its last successful
 * lookup said (egress port, MACs, the route's MTU) and reuses it while:
 *   - it was filled under the current settings.nexthop_gen, which the control
 *     plane bumps when an apply changes the load balancer (a backend id may now
 *     name another address) and `sluice watch` bumps when a backend's route or
 *     next hop changes;
 *   - it is younger than NEXTHOP_LIFETIME_NS, so that a change nobody reported
 *     (no watch running, a route edited by hand) is seen within that time;
 *   - the outer packet fits the route's MTU.
 * Otherwise the FIB is asked, as for every packet before the cache; only its
 * successes are kept, so a missing route or neighbour is asked again next packet
 * and every failure keeps its own counter.
 *
 * What is reused is the lookup of the first packet after a refresh, whatever its
 * flow: when the route to a backend is multipath, the path is chosen per backend
 * and CPU for NEXTHOP_LIFETIME_NS, not per flow (see README, ipip).
 */
#ifndef SLUICE_XDP_NEXTHOP_H
#define SLUICE_XDP_NEXTHOP_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"
#include "xdp/maps.h"
#include "xdp/root.h"

#define NEXTHOP_LIFETIME_NS	1000000000ULL

/* This CPU's entry for backend_id; NULL only for an id beyond SLUICE_MAX_BACKENDS. */
static __always_inline struct sluice_nexthop *nexthop_entry(__u32 backend_id)
{
	return bpf_map_lookup_elem(&nexthops, &backend_id);
}

static __always_inline __u32 nexthop_gen(__u32 root)
{
	const struct sluice_settings *set = root_settings(root);

	return set ? set->nexthop_gen : 0;
}

/*
 * May a packet whose outer header makes it tot_len bytes use nh? A packet too big
 * for the cached MTU asks the FIB, which answers it (PMTU) as it answers any other.
 * A never-filled entry has expired (expires_ns 0).
 */
static __always_inline int nexthop_usable(const struct sluice_nexthop *nh, __u32 gen,
					  __u64 now, __u32 tot_len)
{
	return nh->gen == gen && now < nh->expires_ns && tot_len <= nh->mtu;
}

/*
 * Keeps a successful lookup. On success an XDP lookup (which always checks the MTU)
 * replaces tot_len with the route's MTU in mtu_result, its union; were that MTU
 * ever 0, the field would still hold the packet's tot_len, which it fitted: a
 * smaller MTU than the route's, which only makes bigger packets ask again.
 * gen is the generation read before the lookup: an entry filled while the control
 * plane bumps it is already stale.
 */
static __always_inline void nexthop_fill(struct sluice_nexthop *nh,
					 const struct bpf_fib_lookup *fib, __u32 gen, __u64 now)
{
	__builtin_memcpy(nh->dmac, fib->dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fib->smac, ETH_ALEN);
	nh->ifindex = fib->ifindex;
	nh->mtu = fib->mtu_result;
	nh->gen = gen;
	nh->expires_ns = now + NEXTHOP_LIFETIME_NS;
}

#endif /* SLUICE_XDP_NEXTHOP_H */
