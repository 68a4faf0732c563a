/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The filter compiler: an ordered rule set in, the classifier of abi.h out (one
 * table of 64-bit cells, the prefixes of the LPM trie, the pairs of group B), ready
 * to be written into a free slot. Pure user-space code: unit tests run it, and
 * evaluate its output exactly as the data plane does.
 */
#ifndef SLUICE_FILTER_FILTER_COMPILE_H
#define SLUICE_FILTER_FILTER_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdp/abi.h"

/* Refuse a rule set whose classifier would take more kernel memory than this. */
#define FILTER_MEMORY_LIMIT	(128ULL << 20)

struct filter_prefix {
	struct sluice_prefix_key key;
	struct sluice_addr_value value;
};

struct filter_pair {
	struct sluice_pair_key key;
	struct sluice_addr_value value;
};

struct filter_mixed {
	struct sluice_mixed_key key;
	__u64 result;
};

struct filter_image {
	struct sluice_filter_header header;
	uint64_t *fixed;	/* SLUICE_FIXED_CELLS: the slot's value of filter_fixed */
	uint64_t *table;
	__u32 table_len;
	struct filter_prefix *prefixes;
	__u32 n_prefixes;
	struct filter_pair *pairs;
	__u32 n_pairs;
	struct filter_mixed *mixed;
	__u32 n_mixed;
	__u64 memory;		/* bytes, estimated from the kernel's map layouts */
};

/*
 * Compile rules[0..n-1] in match order; the last one is the default and matches
 * everything. Returns 0, or -1 with a message in err (a set over its limits).
 */
int filter_compile(const struct sluice_rule *rules, size_t n, struct filter_image *out,
		   char *err, size_t err_len);

void filter_image_free(struct filter_image *img);


/* A packet as the classifier sees it (addresses in network order, v4 in [0..3]). */
struct filter_packet {
	__u8 family;		/* SLUICE_AF_INET or SLUICE_AF_INET6 */
	__u8 proto;
	bool has_ports;
	__u16 sport, dport;	/* host order */
	__u16 detail;		/* TCP flags, ICMP type or SLUICE_FILTER_NO_DETAIL */
	__u8 src[16], dst[16];
};

/* Does this one rule match the packet? The definition the classifier must agree with. */
bool filter_rule_matches(const struct sluice_rule *rule, const struct filter_packet *pkt);

/*
 * The compiled verdict, computed like the data plane does: the position of the
 * deciding rule, and in *counted the positions' bitmask of count rules it passes
 * (bit = rank among count rules).
 */
__u32 filter_image_classify(const struct filter_image *img, const struct filter_packet *pkt,
			    __u64 *counted);

#endif /* SLUICE_FILTER_FILTER_COMPILE_H */
