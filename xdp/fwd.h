/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 4, forwarding, as the service says.
 *
 * l2dsr: the backend holds the VIP on its loopback and answers the client itself,
 * so only the Ethernet addresses change: the destination to the backend's MAC, the
 * source to the interface's own (settings.macs[0]). Never the frame's old
 * destination: a broadcast, or a MAC the config lists as ours, would then be taught
 * to the switch as living on our port. VLAN tags and the IP packet are left as they
 * are, and the frame leaves by the port it came in on.
 *
 * ipip: the packet is encapsulated toward the backend (encap.h), which may sit
 * behind routers. The next hop comes first, from this CPU's cache of the FIB's
 * answers (nexthop.h) or else from the FIB, asked with the outer header's
 * addresses and length (fib.h), so that a packet too big for the egress is answered
 * (PMTU, in icmp_too_big.h) or dropped before anything is written. The frame leaves
 * by the receiving port (XDP_TX) or, when the next hop is behind another, through
 * tx_ports.
 *
 * Each outcome is reported as the global counter it belongs to (*stat):
 * LB_FORWARD, or the reason it was not forwarded.
 */
#ifndef SLUICE_XDP_FWD_H
#define SLUICE_XDP_FWD_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/encap.h"
#include "xdp/fib.h"
#include "xdp/hash.h"
#include "xdp/icmp_too_big.h"
#include "xdp/maps.h"
#include "xdp/nexthop.h"
#include "xdp/own_mac.h"
#include "xdp/parse.h"
#include "xdp/stats.h"

static __always_inline int fwd_mode_known(const struct sluice_service *svc)
{
	return svc->forward == SLUICE_FWD_L2DSR || svc->forward == SLUICE_FWD_IPIP;
}

static __always_inline int fwd_l2dsr(struct xdp_md *ctx, const struct sluice_backend *be,
				     __u32 root)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct sluice_mac *src = own_mac(root);
	struct eth_hdr *eth = data;

	/* Parsing proved it already, but the verifier needs to see it here. */
	if ((void *)(eth + 1) > data_end || !src)
		return XDP_ABORTED;
	/* A MAC as one 4-byte and one 2-byte word: 4 loads and 4 stores in all. */
	*(__u32 *)eth->src = *(const __u32 *)src->addr;
	*(__u16 *)(eth->src + 4) = *(const __u16 *)(src->addr + 4);
	*(__u32 *)eth->dst = *(const __u32 *)be->mac;
	*(__u16 *)(eth->dst + 4) = *(const __u16 *)(be->mac + 4);
	return XDP_TX;
}

/*
 * The FIB said the packet would exceed the egress MTU once encapsulated. Only a
 * packet that may not be fragmented gets an answer, and never an ICMP error itself
 * or an IPv4 fragment (RFC 1122 section 3.2.2, RFC 4443 section 2.4).
 */
static __always_inline int fwd_too_big(struct xdp_md *ctx, const struct parsed_pkt *pkt,
				       int is_error, __u32 mtu, __u32 *stat)
{
	__u32 quote;

	if (is_error || !pkt->dont_frag ||
	    (pkt->tuple.family == SLUICE_AF_INET && pkt->is_fragment) ||
	    !(quote = too_big_quote(ctx, pkt))) {
		*stat = SLUICE_STAT_LB_TOO_BIG_NODF;
		return XDP_DROP;
	}
	if (icmp_too_big(ctx, pkt, mtu, quote)) {
		*stat = SLUICE_STAT_LB_ENCAP_ERROR;
		return XDP_DROP;
	}
	*stat = SLUICE_STAT_LB_TOO_BIG;
	return XDP_TX;
}

/*
 * Asks the FIB for be's next hop as the outer header about to be written would
 * have it (fib.h), keeping a success in nh. Returns the lookup's result; *mtu is
 * the MTU it reported, the room left when FRAG_NEEDED.
 */
static __always_inline long fwd_ask_fib(struct xdp_md *ctx, const struct parsed_pkt *pkt,
					const struct sluice_service *svc,
					const struct sluice_backend *be, __u32 hash,
					__u32 tot_len, struct sluice_nexthop *nh, __u32 gen,
					__u64 now, __u32 *mtu)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	if (be->family == SLUICE_AF_INET) {
		rc = fib_lookup4(ctx, &fib, encap_src4(svc, hash), be->addr[0], pkt->tos,
				 tot_len);
	} else {
		encap_src6(svc, hash, fib.ipv6_src);
		rc = fib_lookup6(ctx, &fib, be->addr, encap_flowinfo(pkt, hash),
				 encap_nexthdr6(pkt), tot_len);
	}
	if (rc == BPF_FIB_LKUP_RET_SUCCESS)
		nexthop_fill(nh, &fib, gen, now);
	*mtu = fib.mtu_result;
	return rc;
}

/*
 * pkt is the packet to send, whole; flow is the connection it belongs to: pkt
 * itself, or (is_error) the flow an ICMP error reports on, whose hash then picks
 * the outer source. backend_id is be's id, the index of its next-hop cache entry.
 */
static __always_inline int fwd_ipip(struct xdp_md *ctx, const struct parsed_pkt *pkt,
				    const struct parsed_pkt *flow, int is_error,
				    const struct sluice_service *svc,
				    const struct sluice_backend *be, __u32 backend_id,
				    __u32 *stat)
{
	const int outer4 = be->family == SLUICE_AF_INET;
	__u32 hash = flow_hash(&flow->tuple, !flow->is_fragment);
	const __u32 outer_len = outer4 ? ENCAP4_LEN : ENCAP6_LEN;
	const __u32 tot_len = pkt->ip_len + outer_len;
	struct sluice_nexthop *nh;
	int verdict = XDP_TX;
	struct eth_hdr *eth;
	__u32 gen, mtu;
	__u64 now;
	long rc;

	/* Refused by the control plane; still never written on a guess. */
	if (outer4 ? !(svc->flags & SLUICE_SERVICE_F_ENCAP4) ||
		     pkt->tuple.family != SLUICE_AF_INET
		   : !(svc->flags & SLUICE_SERVICE_F_ENCAP6)) {
		*stat = SLUICE_STAT_LB_ENCAP_ERROR;
		return XDP_DROP;
	}
	nh = nexthop_entry(backend_id);
	if (!nh) {
		/* Cannot be: be was found under the same id, and both maps are that big. */
		*stat = SLUICE_STAT_LB_ENCAP_ERROR;
		return XDP_DROP;
	}
	gen = nexthop_gen(pkt->root);
	now = bpf_ktime_get_coarse_ns();
	if (!nexthop_usable(nh, gen, now, tot_len)) {
		rc = fwd_ask_fib(ctx, pkt, svc, be, hash, tot_len, nh, gen, now, &mtu);
		if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
			return fwd_too_big(ctx, pkt, is_error, mtu - outer_len, stat);
		if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
			*stat = fib_failure_stat(rc);
			return XDP_DROP;
		}
	}
	if (nh->ifindex != ctx->ingress_ifindex) {
		/* An egress the control plane did not list is no usable route. */
		verdict = bpf_redirect_map(&tx_ports, nh->ifindex, XDP_DROP);
		if (verdict != XDP_REDIRECT) {
			*stat = SLUICE_STAT_LB_NO_ROUTE;
			return XDP_DROP;
		}
	}

	eth = encap_grow(ctx, pkt, outer_len);
	if (!eth) {
		*stat = SLUICE_STAT_LB_ENCAP_ERROR;
		return XDP_DROP;
	}
	__builtin_memcpy(eth->dst, nh->dmac, ETH_ALEN);
	__builtin_memcpy(eth->src, nh->smac, ETH_ALEN);
	if (outer4) {
		eth->proto = bpf_htons(ETH_P_IP);
		encap_write4((void *)(eth + 1), pkt, svc, hash, be->addr[0]);
	} else {
		eth->proto = bpf_htons(ETH_P_IPV6);
		encap_write6((void *)(eth + 1), pkt, svc, hash, be->addr);
	}
	if (verdict == XDP_REDIRECT)
		stats_add(&stats, SLUICE_STAT_LB_REDIRECT, pkt->len);
	*stat = SLUICE_STAT_LB_FORWARD;
	return verdict;
}

/* Sends pkt, of flow (see fwd_ipip), to be; *stat says what became of it. */
static __always_inline int fwd_packet(struct xdp_md *ctx, const struct parsed_pkt *pkt,
				      const struct parsed_pkt *flow, int is_error,
				      const struct sluice_service *svc,
				      const struct sluice_backend *be, __u32 backend_id,
				      __u32 *stat)
{
	if (svc->forward == SLUICE_FWD_IPIP)
		return fwd_ipip(ctx, pkt, flow, is_error, svc, be, backend_id, stat);
	*stat = SLUICE_STAT_LB_FORWARD;
	return fwd_l2dsr(ctx, be, pkt->root);
}

#endif /* SLUICE_XDP_FWD_H */
