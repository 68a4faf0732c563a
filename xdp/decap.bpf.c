// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The backends' half of sluice's ipip mode: strips the outer IPv4 or IPv6 header
 * sluice adds and hands the inner packet to the kernel stack, so backends need no
 * kernel tunnel support. Ethernet and up to two VLAN tags stay as they are; only
 * the type before the inner header changes to the inner family.
 *
 * Only the plain headers sluice writes are stripped: IPv4 without options or
 * fragmentation, IPv6 without extension headers, an inner header that is there
 * and of the family the outer one names. Anything else passes untouched, and the
 * kernel stack judges it. In restricted mode (`--from`), a frame that would be
 * stripped but comes from an outer source outside decap_sources is dropped: it
 * would otherwise reach the backend's services as if it had come through sluice.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/parse.h"
#include "xdp/stats.h"

/* Indexed by enum sluice_decap_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLUICE_DECAP_STAT_MAX);
	__type(key, __u32);
	__type(value, struct sluice_counter);
} decap_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sluice_decap_settings);
} decap_settings SEC(".maps");

/* Outer source prefixes accepted in restricted mode; the value is not read (1). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SLUICE_DECAP_SOURCES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sluice_decap_key);
	__type(value, __u8);
} decap_sources SEC(".maps");

#define IPV4_PLAIN	0x45	/* version 4, 5 words: no options */

/* An outer header decap may strip: where it starts, how long, what it carries. */
struct outer {
	__u32 off;
	__u32 len;
	__u32 inner_len;
	__u8 inner_version;	/* high nibble of the inner header's first byte */
	__be16 inner_type;	/* Ethernet type for the inner family */
};

/* Names the inner family from the outer protocol; 0 when not a tunnel of ours. */
static __always_inline int outer_carries(struct outer *o, __u8 proto)
{
	if (proto == IPPROTO_IPIP) {
		o->inner_len = sizeof(struct iphdr);
		o->inner_version = 4;
		o->inner_type = bpf_htons(ETH_P_IP);
		return 1;
	}
	if (proto == IPPROTO_IPV6) {
		o->inner_len = sizeof(struct ipv6hdr);
		o->inner_version = 6;
		o->inner_type = bpf_htons(ETH_P_IPV6);
		return 1;
	}
	return 0;
}

/* Whether the outer header at o->off is one to strip; fills o. */
static __always_inline int outer_plain(void *data, void *data_end, __be16 proto,
				       struct outer *o)
{
	__u32 frame_len = data_end - data, ip_len;
	__u8 *inner;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = data + o->off;

		if ((void *)(iph + 1) > data_end)
			return 0;
		if (*(__u8 *)iph != IPV4_PLAIN || iph->frag_off & bpf_htons(IPV4_MF | IPV4_OFFSET))
			return 0;
		if (!outer_carries(o, iph->protocol))
			return 0;
		o->len = sizeof(*iph);
		ip_len = bpf_ntohs(iph->tot_len);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + o->off;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		if (ip6->version != 6 || !outer_carries(o, ip6->nexthdr))
			return 0;
		o->len = sizeof(*ip6);
		ip_len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	} else {
		return 0;
	}
	/* The outer length must cover an inner header and fit the frame (padding aside). */
	if (ip_len < o->len + o->inner_len || o->off + ip_len > frame_len)
		return 0;
	inner = data + o->off + o->len;
	if ((void *)(inner + 1) > data_end)
		return 0;
	return *inner >> 4 == o->inner_version;
}

static __always_inline int source_allowed(void *data, void *data_end, const struct outer *o)
{
	const struct sluice_decap_settings *set;
	struct sluice_decap_key key = {};
	__u32 zero = 0;

	set = bpf_map_lookup_elem(&decap_settings, &zero);
	if (!set || !set->restricted)
		return 1;
	if (o->len == sizeof(struct iphdr)) {
		struct iphdr *iph = data + o->off;

		if ((void *)(iph + 1) > data_end)
			return 0;
		key.prefixlen = 8 + 32;
		key.family = SLUICE_AF_INET;
		__builtin_memcpy(key.addr, &iph->saddr, 4);
	} else {
		struct ipv6hdr *ip6 = data + o->off;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		key.prefixlen = 8 + 128;
		key.family = SLUICE_AF_INET6;
		__builtin_memcpy(key.addr, &ip6->saddr, 16);
	}
	return bpf_map_lookup_elem(&decap_sources, &key) != NULL;
}

SEC("xdp")
int sluice_decap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct eth_hdr *eth = data;
	struct vlan_tag *tag;
	__u32 len = data_end - data, macs[3], tags[PARSE_VLAN_MAX];
	struct outer o = { .off = sizeof(*eth) };
	int i, n_tags = 0;
	__be16 proto;

	stats_add(&decap_stats, SLUICE_DECAP_RX, len);
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	proto = eth->proto;
	for (i = 0; i < PARSE_VLAN_MAX; i++) {
		tag = data + o.off;
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > data_end)
			return XDP_PASS;
		proto = tag->proto;
		o.off += sizeof(*tag);
		n_tags++;
	}
	if (!outer_plain(data, data_end, proto, &o))
		return XDP_PASS;
	if (!source_allowed(data, data_end, &o)) {
		stats_add(&decap_stats, SLUICE_DECAP_REFUSED, len);
		return XDP_DROP;
	}

	/*
	 * The MACs and the tags (each a TPID and a TCI: 4 bytes from offset 12) move
	 * forward over the outer header; the type before the inner header is written.
	 */
	__builtin_memcpy(macs, data, sizeof(macs));
	if (n_tags > 0)
		tags[0] = *(__u32 *)(data + 12);
	if (n_tags > 1)
		tags[1] = *(__u32 *)(data + 16);
	if (bpf_xdp_adjust_head(ctx, o.len))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	tag = (struct vlan_tag *)(eth + 1);
	/* The inner header follows the tags, so this always holds; the verifier must see it. */
	if ((void *)(tag + PARSE_VLAN_MAX) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(data, macs, sizeof(macs));
	if (n_tags == 0) {
		eth->proto = o.inner_type;
	} else {
		*(__u32 *)(data + 12) = tags[0];
		if (n_tags == 1) {
			tag[0].proto = o.inner_type;
		} else {
			*(__u32 *)(data + 16) = tags[1];
			tag[1].proto = o.inner_type;
		}
	}
	stats_add(&decap_stats, SLUICE_DECAP_DONE, len);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
