/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Counters. Every stats map is a per-CPU array of struct sluice_counter, so an
 * update is a plain read-modify-write of this CPU's cell: no atomics, no sharing.
 *
 * Global counters (`stats`) add up as follows, for every frame:
 *   RX          = OTHER_HOST + NON_IP + MALFORMED + FILTER_DROP + FILTER_PASS
 *   FILTER_PASS = PASS + LB_NO_BACKEND + LB_FORWARD
 *                 + LB_NO_ROUTE + LB_NO_NEIGH + LB_ENCAP_ERROR
 *                 + LB_TOO_BIG + LB_TOO_BIG_NODF
 * RX and FILTER_PASS are not written by the program: each is the sum on its
 * right, which every reader adds up (kernel/counters_derive.h). That spares two
 * counter updates on every frame, and the sums hold by construction.
 * OTHER_HOST frames were unicast to a MAC that is not ours (own_mac.h): passed
 * untouched, never parsed, so they count in nothing else.
 * LB_REDIRECT and ICMP_TO_BACKEND are parts of LB_FORWARD: sent out another port,
 * and ICMP errors about a VIP flow sent to its backend. LB_TOO_BIG packets were
 * answered (XDP_TX) with an ICMP error to the client; LB_TOO_BIG_NODF ones were
 * too big and could not be answered: IPv4 without DF, an IPv4 fragment, an ICMP
 * error (never answered with another), or shorter than the reply's quote.
 * FRAGMENT counts the IP fragments among RX. Of the VIP packets that are not
 * fragments, each is FLOW_HIT or FLOW_MISS; FLOW_STALE counts the misses whose
 * flow entry pointed at a backend that is gone (and stale entries an ICMP error's
 * lookup met: errors count neither HIT nor MISS). service_stats count the packets
 * of a service that reached the load balancer, ICMP errors forwarded included;
 * backend_stats only those forwarded to that backend.
 */
#ifndef SLUICE_XDP_STATS_H
#define SLUICE_XDP_STATS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp/abi.h"

static __always_inline void stats_add(void *map, __u32 index, __u64 bytes)
{
	struct sluice_counter *c = bpf_map_lookup_elem(map, &index);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

#endif /* SLUICE_XDP_STATS_H */
