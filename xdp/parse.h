/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 1, parse: Ethernet, up to two VLAN tags, IPv4 or IPv6 (with its extension
 * headers), then the TCP, UDP, ICMP or ICMPv6 header. Every header is checked
 * against both the frame and the IP length, so that later stages can trust what
 * they read and never forward a packet whose headers do not add up.
 */
#ifndef SLUICE_XDP_PARSE_H
#define SLUICE_XDP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"

/* A third tag makes the frame "not IP" for us: the kernel stack decides. */
#define PARSE_VLAN_MAX		2
/*
 * RFC 8200 order allows hop-by-hop, destination options, routing, fragment and a
 * second destination options header; a longer chain is refused as malformed.
 */
#define PARSE_IPV6_EXT_MAX	5

/*
 * The uapi struct ethhdr is packed, which makes clang read h_proto a byte at a
 * time; this one has the same layout and lets it load 16 bits at once.
 */
struct eth_hdr {
	__u8 dst[ETH_ALEN];
	__u8 src[ETH_ALEN];
	__be16 proto;
};

/* The uapi headers do not describe these. */
struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

struct ipv6_frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset in 8-byte units << 3 | M flag */
	__be32 id;
};

#define IPV4_DF			0x4000
#define IPV4_MF			0x2000
#define IPV4_OFFSET		0x1fff
#define IPV6_FRAG_OFFSET	0xfff8
#define L4_ICMP_HDR_LEN		8	/* type, code, checksum, 4 bytes of rest-of-header */

enum parse_result {
	PARSE_IP,
	PARSE_NON_IP,
	PARSE_MALFORMED,
};

/*
 * What the later stages know of a packet. The tuple is already the flow table key:
 * ports are zero unless has_ports, and everything unused is zero. The fields after
 * detail are what forwarding needs to encapsulate the packet or answer it, read
 * here where the headers are already proven to be in the frame. (Where the L4
 * header starts is not kept: a value that differs between packets' paths would
 * multiply the states the verifier walks through every later stage.)
 */
struct parsed_pkt {
	struct sluice_flow_key tuple;
	__u32 len;		/* frame length: the bytes of every counter */
	__u8 is_fragment;	/* IPv4 MF or offset, or an IPv6 fragment header */
	__u8 has_ports;		/* TCP or UDP header present (never in later fragments) */
	__u16 detail;		/* TCP flags, ICMP type, or SLUICE_FILTER_NO_DETAIL */
	__u16 ip_len;		/* IP packet with its headers; fits, as it fits the frame */
	__u8 l3_off;		/* IP header, after the VLAN tags */
	__u8 tos;		/* IPv4 TOS or IPv6 traffic class: DSCP and ECN */
	__u8 dont_frag;		/* IPv4 with DF, or IPv6: no router may fragment it */
	__u8 root;		/* the root (abi.h) when the packet arrived */
} __attribute__((aligned(8)));

static __always_inline int parse_l4(void *data, void *data_end, __u32 off, __u32 ip_end,
				    struct parsed_pkt *pkt)
{
	void *l4 = data + off;

	switch (pkt->tuple.proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return PARSE_MALFORMED;
		/* With doff >= 5 this also keeps the fixed header inside the IP length. */
		if (th->doff < 5 || off + th->doff * 4 > ip_end)
			return PARSE_MALFORMED;
		pkt->tuple.sport = th->source;
		pkt->tuple.dport = th->dest;
		pkt->has_ports = 1;
		/* Byte 13 holds CWR ECE URG ACK PSH RST SYN FIN. */
		pkt->detail = ((__u8 *)th)[13];
		return PARSE_IP;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end || off + sizeof(*uh) > ip_end)
			return PARSE_MALFORMED;
		pkt->tuple.sport = uh->source;
		pkt->tuple.dport = uh->dest;
		pkt->has_ports = 1;
		return PARSE_IP;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (l4 + L4_ICMP_HDR_LEN > data_end || off + L4_ICMP_HDR_LEN > ip_end)
			return PARSE_MALFORMED;
		pkt->detail = *(__u8 *)l4;	/* the type */
		return PARSE_IP;
	}
	return PARSE_IP;
}

/*
 * The IP stages return PARSE_IP or PARSE_MALFORMED. On PARSE_IP, *l4 is where the L4
 * header starts, or 0 when there is none to read (a later fragment), and *ip_end is
 * where the IP packet ends.
 */
static __always_inline int parse_ipv4(void *data, void *data_end, __u32 off,
				      struct parsed_pkt *pkt, __u32 *l4, __u32 *ip_end)
{
	struct iphdr *iph = data + off;
	__u32 hdr_len, tot_len;

	if ((void *)(iph + 1) > data_end)
		return PARSE_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return PARSE_MALFORMED;
	hdr_len = iph->ihl * 4;
	tot_len = bpf_ntohs(iph->tot_len);
	/* Shorter than the frame is fine: Ethernet pads short frames. */
	if (tot_len < hdr_len || off + tot_len > pkt->len)
		return PARSE_MALFORMED;
	pkt->tuple.family = SLUICE_AF_INET;
	pkt->tuple.proto = iph->protocol;
	pkt->tuple.src[0] = iph->saddr;
	pkt->tuple.dst[0] = iph->daddr;
	pkt->ip_len = tot_len;
	pkt->tos = iph->tos;
	pkt->dont_frag = !!(iph->frag_off & bpf_htons(IPV4_DF));
	*l4 = off + hdr_len;
	*ip_end = off + tot_len;
	if (iph->frag_off & bpf_htons(IPV4_MF | IPV4_OFFSET)) {
		pkt->is_fragment = 1;
		if (iph->frag_off & bpf_htons(IPV4_OFFSET))
			*l4 = 0;
	}
	return PARSE_IP;
}

static __always_inline int ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS || nexthdr == IPPROTO_FRAGMENT;
}

static __always_inline int parse_ipv6(void *data, void *data_end, __u32 off,
				      struct parsed_pkt *pkt, __u32 *l4, __u32 *ip_end)
{
	struct ipv6hdr *ip6 = data + off;
	__u8 nexthdr;
	int i;

	if ((void *)(ip6 + 1) > data_end)
		return PARSE_MALFORMED;
	if (ip6->version != 6)
		return PARSE_MALFORMED;
	off += sizeof(*ip6);
	*ip_end = off + bpf_ntohs(ip6->payload_len);
	if (*ip_end > pkt->len)
		return PARSE_MALFORMED;
	pkt->ip_len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	/* Version, traffic class, flow label: the class straddles the first two bytes. */
	pkt->tos = bpf_ntohs(*(__be16 *)ip6) >> 4;
	pkt->dont_frag = 1;
	pkt->tuple.family = SLUICE_AF_INET6;
	__builtin_memcpy(pkt->tuple.src, &ip6->saddr, sizeof(pkt->tuple.src));
	__builtin_memcpy(pkt->tuple.dst, &ip6->daddr, sizeof(pkt->tuple.dst));
	nexthdr = ip6->nexthdr;

	/* Extension headers are rare: a compact loop beats an unrolled one. */
#pragma clang loop unroll(disable)
	for (i = 0; i < PARSE_IPV6_EXT_MAX && ipv6_is_ext(nexthdr); i++) {
		if (nexthdr == IPPROTO_FRAGMENT) {
			struct ipv6_frag_hdr *fh = data + off;

			if ((void *)(fh + 1) > data_end || off + sizeof(*fh) > *ip_end)
				return PARSE_MALFORMED;
			pkt->is_fragment = 1;
			nexthdr = fh->nexthdr;
			off += sizeof(*fh);
			if (fh->frag_off & bpf_htons(IPV6_FRAG_OFFSET)) {
				pkt->tuple.proto = nexthdr;
				*l4 = 0;
				return PARSE_IP;
			}
		} else {
			struct ipv6_opt_hdr *oh = data + off;
			__u32 len;

			/* The kernel drops hop-by-hop anywhere but first, so do we. */
			if (nexthdr == IPPROTO_HOPOPTS && i)
				return PARSE_MALFORMED;
			if ((void *)(oh + 1) > data_end)
				return PARSE_MALFORMED;
			len = (oh->hdrlen + 1) * 8;
			if (off + len > *ip_end)
				return PARSE_MALFORMED;
			nexthdr = oh->nexthdr;
			off += len;
		}
	}
	if (ipv6_is_ext(nexthdr))
		return PARSE_MALFORMED;
	pkt->tuple.proto = nexthdr;
	*l4 = off;
	return PARSE_IP;
}

/* Fills pkt, which must be zeroed, and says what kind of frame it is. */
static __always_inline int parse_packet(struct xdp_md *ctx, struct parsed_pkt *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_hdr *eth = data;
	__u32 off = sizeof(*eth), l4, ip_end;
	__be16 proto;
	int i, res;

	pkt->len = data_end - data;
	pkt->detail = SLUICE_FILTER_NO_DETAIL;
	if ((void *)(eth + 1) > data_end)
		return PARSE_MALFORMED;
	proto = eth->proto;
	for (i = 0; i < PARSE_VLAN_MAX; i++) {
		struct vlan_tag *tag = data + off;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > data_end)
			return PARSE_MALFORMED;
		proto = tag->proto;
		off += sizeof(*tag);
	}
	pkt->l3_off = off;
	if (proto == bpf_htons(ETH_P_IP))
		res = parse_ipv4(data, data_end, off, pkt, &l4, &ip_end);
	else if (proto == bpf_htons(ETH_P_IPV6))
		res = parse_ipv6(data, data_end, off, pkt, &l4, &ip_end);
	else
		return PARSE_NON_IP;
	if (res != PARSE_IP || !l4)
		return res;
	return parse_l4(data, data_end, l4, ip_end, pkt);
}

#endif /* SLUICE_XDP_PARSE_H */
