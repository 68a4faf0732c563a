// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The traffic generator: run by BPF_PROG_TEST_RUN in live-frames mode over one
 * template frame built in user space (frame.c), it turns each copy into the next
 * flow's frame and redirects it out of a veth, whose peer runs the program under
 * test.
 *
 * The kernel recycles the frame pages without rewriting them, so a copy may hold
 * the template or what an earlier run (or the receiving program) left in it. The
 * program therefore rewrites every byte that varies or that a receiver may change
 * (the whole Ethernet header, which an ipip receiver overwrites with the end of
 * its outer header; source address, source port) and updates the checksums from
 * the values found in the page, which are always consistent with each other.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bench/flow.h"

/* Set by user space before loading. */
const volatile __u32 out_ifindex;
const volatile __u32 flows = 1;
const volatile __u32 flow_base;	/* this generator's first flow: one range per CPU */
const volatile __u16 sport_base;	/* host byte order */
const volatile __u16 saddr_lo_base;	/* last 16 bits of the source address, host order */
const volatile __u8 ipv6;
const volatile __u8 udp;
const volatile __u8 dst_mac[ETH_ALEN];
const volatile __u8 src_mac[ETH_ALEN];

/*
 * Frames made so far; also the flow counter. One generator runs on one CPU; with
 * several CPUs, each runs a copy of its own (its own counter and flow range).
 */
__u64 frames;

/* RFC 1624, eqn. 3: one's complement sums do not depend on byte order. */
static __always_inline __u16 csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check + (__u16)~old + (__u32)new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The L4 checksum covers the source address (pseudo header) and the source port. */
static __always_inline void set_l4(void *l4, void *data_end, __u16 old_addr, __u16 new_addr,
				   __u16 new_port)
{
	__u16 *check, *port, sum;

	if (udp) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return;
		check = &uh->check;
		port = &uh->source;
	} else {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return;
		check = &th->check;
		port = &th->source;
	}
	sum = csum_replace16(*check, old_addr, new_addr);
	sum = csum_replace16(sum, *port, new_port);
	/* For UDP a zero checksum means "none": send its other encoding. */
	if (udp && !sum)
		sum = 0xffff;
	*check = sum;
	*port = new_port;
}

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 flow = flow_base + frames++ % flows;
	__u16 sport = bpf_htons(sport_base + flow % BENCH_FLOW_PORTS);
	__u16 saddr_lo = bpf_htons(saddr_lo_base + flow / BENCH_FLOW_PORTS);
	__u16 old;
	int i;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	/*
	 * Byte by byte through the volatile: a memcpy that casts it away lets clang fold
	 * the zero initialiser into the program, and every frame left with zero MACs.
	 */
#pragma unroll
	for (i = 0; i < ETH_ALEN; i++) {
		eth->h_dest[i] = dst_mac[i];
		eth->h_source[i] = src_mac[i];
	}
	eth->h_proto = bpf_htons(ipv6 ? ETH_P_IPV6 : ETH_P_IP);

	if (ipv6) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return XDP_ABORTED;
		old = ip6->saddr.in6_u.u6_addr16[7];
		ip6->saddr.in6_u.u6_addr16[7] = saddr_lo;
		set_l4(ip6 + 1, data_end, old, saddr_lo, sport);
	} else {
		struct iphdr *iph = (void *)(eth + 1);
		__u16 *saddr;

		if ((void *)(iph + 1) > data_end)
			return XDP_ABORTED;
		saddr = (__u16 *)&iph->saddr;
		old = saddr[1];
		saddr[1] = saddr_lo;
		iph->check = csum_replace16(iph->check, old, saddr_lo);
		/* The template has no IP options. */
		set_l4(iph + 1, data_end, old, saddr_lo, sport);
	}
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
