/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ICMP errors about VIP flows. Backends answer clients directly, from the VIP, so a
 * router that cannot deliver a reply, or needs it smaller, sends its error to the
 * VIP: to this node. The error quotes the reply, VIP:port -> client:port. The
 * backend that owns the flow needs it (a "fragmentation needed" above all, for its
 * TCP to lower the path MTU), so sluice forwards it there, finding the backend as
 * the flow's own packets would: flow table first, else Maglev with the same hash.
 * Nothing is inserted: an error does not make a flow.
 *
 * IPv4 types 3 (unreachable) and 11 (time exceeded), IPv6 types 1 (unreachable),
 * 2 (packet too big) and 3 (time exceeded). The quoted header must be complete:
 * its IP header and the 8 bytes after it (RFC 792), inside the error, from the VIP,
 * TCP or UDP, not a later fragment. IPv6 errors or quotes with extension headers
 * are left to the kernel, as is anything else that is not sluice's.
 */
#ifndef SLUICE_XDP_ICMP_ERR_H
#define SLUICE_XDP_ICMP_ERR_H

#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/icmp4.h"
#include "xdp/lb.h"
#include "xdp/parse.h"

#define ICMP_ERR_L4_QUOTE	8	/* what RFC 792 guarantees of the quoted L4 header */

static __always_inline int icmp_err_is_error(const struct parsed_pkt *pkt)
{
	if (pkt->tuple.proto == IPPROTO_ICMP)
		return pkt->detail == ICMP4_DEST_UNREACH || pkt->detail == ICMP4_TIME_EXCEEDED;
	if (pkt->tuple.proto == IPPROTO_ICMPV6)
		return pkt->detail >= ICMPV6_DEST_UNREACH && pkt->detail <= ICMPV6_TIME_EXCEED;
	return 0;
}

static __always_inline int icmp_err_same_addr6(const __be32 *a, const __be32 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

/*
 * When pkt is an ICMP error about a reply of a VIP flow, fills flow as that flow's
 * packets parse, client -> VIP, and returns 1; else 0.
 */
static __always_inline int icmp_err_flow(struct xdp_md *ctx, const struct parsed_pkt *pkt,
					 struct parsed_pkt *flow)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 ip_end = pkt->l3_off + pkt->ip_len, off = pkt->l3_off;
	__be16 *ports;
	__u8 proto;

	if (!icmp_err_is_error(pkt) || pkt->is_fragment)
		return 0;
	__builtin_memset(flow, 0, sizeof(*flow));
	if (pkt->tuple.family == SLUICE_AF_INET) {
		struct iphdr *outer = data + off, *iph;

		if ((void *)(outer + 1) > data_end)
			return 0;
		off += outer->ihl * 4 + sizeof(struct icmp4_hdr);
		iph = data + off;
		if ((void *)(iph + 1) > data_end || iph->version != 4 || iph->ihl < 5 ||
		    iph->frag_off & bpf_htons(IPV4_OFFSET) || iph->saddr != pkt->tuple.dst[0])
			return 0;
		proto = iph->protocol;
		flow->tuple.src[0] = iph->daddr;
		flow->tuple.dst[0] = iph->saddr;
		off += iph->ihl * 4;
	} else {
		struct ipv6hdr *outer = data + off, *ip6;

		/* Errors behind extension headers are left to the kernel. */
		if ((void *)(outer + 1) > data_end || outer->nexthdr != IPPROTO_ICMPV6)
			return 0;
		off += sizeof(*outer) + sizeof(struct icmp6hdr);
		ip6 = data + off;
		if ((void *)(ip6 + 1) > data_end || ip6->version != 6 ||
		    !icmp_err_same_addr6((__be32 *)&ip6->saddr, pkt->tuple.dst))
			return 0;
		proto = ip6->nexthdr;
		__builtin_memcpy(flow->tuple.src, &ip6->daddr, 16);
		__builtin_memcpy(flow->tuple.dst, &ip6->saddr, 16);
		off += sizeof(*ip6);
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	ports = data + off;
	if ((void *)ports + ICMP_ERR_L4_QUOTE > data_end || off + ICMP_ERR_L4_QUOTE > ip_end)
		return 0;
	flow->tuple.sport = ports[1];
	flow->tuple.dport = ports[0];
	flow->tuple.proto = proto;
	flow->tuple.family = pkt->tuple.family;
	flow->len = pkt->len;
	flow->root = pkt->root;
	flow->has_ports = 1;
	return 1;
}

/* The backend that owns flow, as lb_pick_backend would find it, without recording it. */
static __always_inline const struct sluice_backend *
icmp_err_backend(const struct parsed_pkt *flow, const struct sluice_service *svc, __u32 *id)
{
	const struct sluice_backend *be = lb_flow_backend(flow, id);

	return be ? be : lb_maglev_backend(flow, svc, id);
}

#endif /* SLUICE_XDP_ICMP_ERR_H */
