/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ipip's outer header: IPv4 in IPv4, or IPv4 or IPv6 in IPv6, as in RFC 2003 and
 * RFC 2473. The outer source is a host of the service's encap prefix picked by the
 * flow hash, so that each flow has its own outer source and a backend NIC's RSS,
 * which hashes the outer header, spreads flows over its queues; IPv6 also carries
 * the hash as the flow label. TTL or hop limit 64, DSCP and ECN copied from the
 * inner packet (RFC 6040's normal mode), IPv4 with DF: sluice never fragments.
 *
 * The frame grows at its head: Ethernet and the outer header land right before the
 * inner IP packet, which does not move. VLAN tags of the received frame are not
 * kept: the encapsulated frame is untagged, for the egress the FIB names.
 */
#ifndef SLUICE_XDP_ENCAP_H
#define SLUICE_XDP_ENCAP_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/csum.h"
#include "xdp/parse.h"

#define ENCAP4_LEN		20	/* outer IPv4 header, no options */
#define ENCAP6_LEN		40
#define ENCAP_TTL		64
#define ENCAP_FLOW_LABEL	0xfffff

static __always_inline __be32 encap_src4(const struct sluice_service *svc, __u32 hash)
{
	return svc->encap_src4 | (hash & svc->encap_host4);
}

static __always_inline void encap_src6(const struct sluice_service *svc, __u32 hash,
				       __be32 src[4])
{
	src[0] = svc->encap_src6[0];
	src[1] = svc->encap_src6[1];
	src[2] = svc->encap_src6[2];
	src[3] = svc->encap_src6[3] | (hash & svc->encap_host6);
}

/* The first word of the outer IPv6 header without its version: class and label. */
static __always_inline __be32 encap_flowinfo(const struct parsed_pkt *pkt, __u32 hash)
{
	return bpf_htonl((__u32)pkt->tos << 20 | (hash & ENCAP_FLOW_LABEL));
}

/* What follows the outer IPv6 header: IPv4 (RFC 2003 numbering) or IPv6. */
static __always_inline __u8 encap_nexthdr6(const struct parsed_pkt *pkt)
{
	return pkt->tuple.family == SLUICE_AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
}

/*
 * Grows the frame for Ethernet and outer_len bytes of outer header. Returns the new
 * Ethernet header, with at least ENCAP6_LEN bytes after it, or NULL when the
 * frame cannot grow (it is then as it was).
 */
static __always_inline struct eth_hdr *encap_grow(struct xdp_md *ctx,
						  const struct parsed_pkt *pkt, __u32 outer_len)
{
	int grow = sizeof(struct eth_hdr) + outer_len - pkt->l3_off;
	struct eth_hdr *eth;
	void *data_end;

	if (bpf_xdp_adjust_head(ctx, -grow))
		return NULL;
	eth = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	/* The inner IP header follows the outer one: ENCAP6_LEN is always there. */
	if ((void *)(eth + 1) + ENCAP6_LEN > data_end)
		return NULL;
	return eth;
}

/*
 * The writers compute the outer source again rather than take it from the FIB
 * lookup's branch: the verifier may not see that the family decided both alike.
 */
static __always_inline void encap_write4(struct iphdr *iph, const struct parsed_pkt *pkt,
					 const struct sluice_service *svc, __u32 hash,
					 __be32 dst)
{
	iph->version = 4;
	iph->ihl = ENCAP4_LEN / 4;
	iph->tos = pkt->tos;
	iph->tot_len = bpf_htons(pkt->ip_len + ENCAP4_LEN);
	/* An atomic datagram (DF, never fragmented) needs no unique id: RFC 6864. */
	iph->id = 0;
	iph->frag_off = bpf_htons(IPV4_DF);
	iph->ttl = ENCAP_TTL;
	iph->protocol = IPPROTO_IPIP;
	iph->check = 0;
	iph->saddr = encap_src4(svc, hash);
	iph->daddr = dst;
	iph->check = csum_ipv4_hdr(iph);
}

static __always_inline void encap_write6(struct ipv6hdr *ip6, const struct parsed_pkt *pkt,
					 const struct sluice_service *svc, __u32 hash,
					 const __be32 *dst)
{
	*(__be32 *)ip6 = bpf_htonl(6U << 28) | encap_flowinfo(pkt, hash);
	ip6->payload_len = bpf_htons(pkt->ip_len);
	ip6->nexthdr = encap_nexthdr6(pkt);
	ip6->hop_limit = ENCAP_TTL;
	encap_src6(svc, hash, (__be32 *)&ip6->saddr);
	__builtin_memcpy(&ip6->daddr, dst, 16);
}

#endif /* SLUICE_XDP_ENCAP_H */
