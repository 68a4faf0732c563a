/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Internet checksums (RFC 1071) of the headers sluice writes. Words are summed as
 * the CPU loads them; the folded complement, stored the same way, is then in
 * network order whatever the CPU's byte order.
 */
#ifndef SLUICE_XDP_CSUM_H
#define SLUICE_XDP_CSUM_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* An IPv4 header without options, its check field zero; may sit at any alignment. */
static __always_inline __u16 csum_ipv4_hdr(const void *iph)
{
	const __u32 *w = iph;

	return csum_fold((__u64)w[0] + w[1] + w[2] + w[3] + w[4]);
}

/*
 * sum plus the n 4-byte words at p, n at most max_words. The words are checked
 * against the frame one by one: a short loop with one exit per word costs the
 * verifier less than a variable-sized range would.
 */
static __always_inline __u64 csum_words(const void *p, const void *data_end, __u32 n,
					 __u32 max_words, __u64 sum)
{
	__u32 i;

	for (i = 0; i < max_words && i < n; i++) {
		const __u32 *w = p + i * 4;

		if ((void *)(w + 1) > data_end)
			break;
		sum += *w;
	}
	return sum;
}

#endif /* SLUICE_XDP_CSUM_H */
