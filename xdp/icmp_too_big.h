/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Path MTU discovery across ipip. A packet that would exceed the egress MTU once
 * encapsulated is answered, from the VIP, with what a router on the VIP's path
 * would send: ICMP "fragmentation needed" (RFC 792, RFC 1191) or ICMPv6 "packet too
 * big" (RFC 4443), giving the MTU left for the inner packet. The client lowers its
 * path MTU to the VIP and resends; nothing is encapsulated or fragmented.
 *
 * The reply is the received frame turned around: to the sender's MAC from the
 * interface's own (as l2dsr, fwd.h, says why), VLAN tags kept, out the port it came
 * in by. The quote is the start of the offending packet, which
 * stays where it is: IPv4 quotes its header and 8 bytes (RFC 792), IPv6 as much as
 * keeps the reply within the minimum MTU of 1280 (RFC 4443 section 2.4). A packet
 * shorter than its quote can only be too big behind an MTU no link should have
 * (IPv4: below 108; IPv6: below the 1280 every IPv6 link has), and is not answered.
 */
#ifndef SLUICE_XDP_ICMP_TOO_BIG_H
#define SLUICE_XDP_ICMP_TOO_BIG_H

#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/csum.h"
#include "xdp/icmp4.h"
#include "xdp/own_mac.h"
#include "xdp/parse.h"

#define TOO_BIG_HDR4		(20 + 8)	/* IPv4 and ICMP headers */
#define TOO_BIG_HDR6		(40 + 8)
#define TOO_BIG_IPV6_MIN_MTU	1280
#define TOO_BIG_QUOTE4_MAX	(60 + 8)
#define TOO_BIG_QUOTE6		(TOO_BIG_IPV6_MIN_MTU - TOO_BIG_HDR6)
/* The ICMPv6 message, 1240 bytes, checksummed in bpf_csum_diff's largest pieces. */
#define TOO_BIG_CSUM6_PIECE	512
#define TOO_BIG_CSUM6_LAST	(8 + TOO_BIG_QUOTE6 - 2 * TOO_BIG_CSUM6_PIECE)
#define TOO_BIG_L2_MAX		(sizeof(struct eth_hdr) + PARSE_VLAN_MAX * sizeof(struct vlan_tag))
/* CS6, network control: how routers mark the ICMP errors they send. */
#define TOO_BIG_DSCP		0xc0
#define TOO_BIG_TTL		64

/*
 * Frame length from the IP header on, for a reply of hdr bytes of headers quoting
 * quote bytes: cut the tail, then grow the head. 0, or -1 when the frame cannot be
 * resized (then it may already have lost its tail: drop it).
 */
static __always_inline int too_big_resize(struct xdp_md *ctx, const struct parsed_pkt *pkt,
					  __u32 hdr, __u32 quote)
{
	int cut = pkt->len - pkt->l3_off - quote;

	if (cut > 0 && bpf_xdp_adjust_tail(ctx, -cut))
		return -1;
	return bpf_xdp_adjust_head(ctx, -(int)hdr) ? -1 : 0;
}

/*
 * The Ethernet header and tags, hdr bytes further on since the head grew, move to
 * the front, back to the sender from our MAC. Copies TOO_BIG_L2_MAX bytes whatever
 * the tags: what lands past the real L2 header is overwritten by the reply's IP
 * header.
 */
static __always_inline int too_big_turn_l2(void *data, void *data_end, __u32 hdr, __u32 root)
{
	struct eth_hdr *old = data + hdr, *eth = data;
	__u8 *from = data + hdr, *to = data;
	const struct sluice_mac *src = own_mac(root);
	int i;

	if ((void *)old + TOO_BIG_L2_MAX > data_end || data + TOO_BIG_L2_MAX > data_end ||
	    !src)
		return -1;
	__builtin_memcpy(eth->dst, old->src, ETH_ALEN);
	__builtin_memcpy(eth->src, src->addr, ETH_ALEN);
#pragma unroll
	for (i = 2 * ETH_ALEN; i < (int)TOO_BIG_L2_MAX; i += 2)
		*(__u16 *)(to + i) = *(__u16 *)(from + i);
	return 0;
}

/* How much of pkt the reply quotes, or 0 when pkt is shorter than that. */
static __always_inline __u32 too_big_quote(struct xdp_md *ctx, const struct parsed_pkt *pkt)
{
	__u32 quote = TOO_BIG_QUOTE6;

	if (pkt->tuple.family == SLUICE_AF_INET) {
		struct iphdr *orig = (void *)(long)ctx->data + pkt->l3_off;

		if ((void *)(orig + 1) > (void *)(long)ctx->data_end)
			return 0;
		quote = orig->ihl * 4 + 8;
	}
	return quote <= pkt->ip_len ? quote : 0;
}

/*
 * Answers pkt (IPv4 with DF, or IPv6) with mtu, the room left for it, quoting
 * quote bytes (too_big_quote). 0, or -1 when the reply could not be written.
 */
static __always_inline int icmp_too_big(struct xdp_md *ctx, const struct parsed_pkt *pkt,
					__u32 mtu, __u32 quote)
{
	int v4 = pkt->tuple.family == SLUICE_AF_INET;
	__u32 hdr = v4 ? TOO_BIG_HDR4 : TOO_BIG_HDR6;
	void *data, *data_end, *ip, *icmp;
	__u64 sum;

	if (too_big_resize(ctx, pkt, hdr, quote))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (too_big_turn_l2(data, data_end, hdr, pkt->root))
		return -1;
	ip = data + pkt->l3_off;
	if (ip + TOO_BIG_HDR6 > data_end)
		return -1;

	if (v4) {
		struct iphdr *iph = ip;
		struct icmp4_hdr *ih = icmp = ip + sizeof(*iph);

		iph->version = 4;
		iph->ihl = sizeof(*iph) / 4;
		iph->tos = TOO_BIG_DSCP;
		iph->tot_len = bpf_htons(TOO_BIG_HDR4 + quote);
		iph->id = 0;
		iph->frag_off = bpf_htons(IPV4_DF);
		iph->ttl = TOO_BIG_TTL;
		iph->protocol = IPPROTO_ICMP;
		iph->check = 0;
		iph->saddr = pkt->tuple.dst[0];
		iph->daddr = pkt->tuple.src[0];
		iph->check = csum_ipv4_hdr(iph);
		ih->type = ICMP4_DEST_UNREACH;
		ih->code = ICMP4_FRAG_NEEDED;
		ih->checksum = 0;
		ih->frag.unused = 0;
		ih->frag.mtu = bpf_htons(mtu);
		sum = csum_words(icmp, data_end, (sizeof(*ih) + quote) / 4,
				 (sizeof(*ih) + TOO_BIG_QUOTE4_MAX) / 4, 0);
	} else {
		struct ipv6hdr *ip6 = ip;
		struct icmp6hdr *ih = icmp = ip + sizeof(*ip6);
		__u32 len = TOO_BIG_HDR6 - sizeof(*ip6) + quote, i;

		*(__be32 *)ip6 = bpf_htonl(6U << 28 | TOO_BIG_DSCP << 20);
		ip6->payload_len = bpf_htons(len);
		ip6->nexthdr = IPPROTO_ICMPV6;
		ip6->hop_limit = TOO_BIG_TTL;
		__builtin_memcpy(&ip6->saddr, pkt->tuple.dst, 16);
		__builtin_memcpy(&ip6->daddr, pkt->tuple.src, 16);
		ih->icmp6_type = ICMPV6_PKT_TOOBIG;
		ih->icmp6_code = 0;
		ih->icmp6_cksum = 0;
		ih->icmp6_mtu = bpf_htonl(mtu < TOO_BIG_IPV6_MIN_MTU ? TOO_BIG_IPV6_MIN_MTU : mtu);
		/* The pseudo-header (RFC 8200 section 8.1): addresses, length, next header. */
		sum = (__u64)bpf_htonl(len) + bpf_htonl(IPPROTO_ICMPV6);
		for (i = 0; i < 4; i++)
			sum += (__u64)pkt->tuple.src[i] + pkt->tuple.dst[i];
		if (icmp + TOO_BIG_HDR6 - sizeof(*ip6) + TOO_BIG_QUOTE6 > data_end)
			return -1;
		/* Fail only for sizes that are not a multiple of 4 or above 512. */
		sum += (__u32)bpf_csum_diff(NULL, 0, icmp, TOO_BIG_CSUM6_PIECE, 0);
		sum += (__u32)bpf_csum_diff(NULL, 0, icmp + TOO_BIG_CSUM6_PIECE,
					    TOO_BIG_CSUM6_PIECE, 0);
		sum += (__u32)bpf_csum_diff(NULL, 0, icmp + 2 * TOO_BIG_CSUM6_PIECE,
					    TOO_BIG_CSUM6_LAST, 0);
	}
	((struct icmp4_hdr *)icmp)->checksum = csum_fold(sum);
	return 0;
}

#endif /* SLUICE_XDP_ICMP_TOO_BIG_H */
